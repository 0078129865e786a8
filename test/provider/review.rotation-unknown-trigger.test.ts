/**
 * keyplane_api_key's rotation block, in process against a real service over HTTP: a triggers map whose value is
 * known only at apply (it comes from a resource changed in the same apply, as `time_rotating.x.id` does) may
 * rotate the key, so the plan must say so (secret_version unknown). Under the real terraform, see
 * test/e2e/review.rotation-unknown-trigger.test.ts for what the apply then does.
 */
import { inProcessProvider, type InProcessProvider, unknown } from '../helpers/in-process';
import { type HttpService, startHttpService } from '../helpers/service';

let service: HttpService;
let p: InProcessProvider;
beforeAll(async () => {
  service = await startHttpService();
  p = await inProcessProvider(service);
});
afterAll(async () => {
  await service?.stop();
});

test.failing('a triggers map unknown at plan (built from another resource) plans a rotation', async () => {
  const k = p.resource('keyplane_api_key', 'k');
  const v = (await k.apply({ name: 'unknown-trigger', rotation: { triggers: { gen: '1' } } })).state;
  expect(v.secret_version).toBe(1);
  const plan = await k.plan({ name: 'unknown-trigger', rotation: { triggers: unknown } });
  expect(plan.action).toBe('update');
  expect(plan.after.secret_version).toBe(unknown);
  await k.destroy();
});
