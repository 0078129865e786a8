/**
 * keyplane_api_key, in process against a real service over HTTP: a create whose answer was lost leaves a
 * tainted instance with no id, which the next refresh resolves by the request's Idempotency-Key. The service
 * remembers the key for 24 hours; a refresh that comes later (a failed pipeline re-run after a weekend) must
 * still not leave a live key the state does not know.
 */
import { LIMITS } from '../../contract/limits';
import { diagnosticText as text, inProcessProvider } from '../helpers/in-process';
import { type HttpService, startHttpService } from '../helpers/service';
import { faultyProxy } from '../helpers/faulty-proxy';

let service: HttpService;
beforeAll(async () => {
  service = await startHttpService();
});
afterAll(async () => {
  await service?.stop();
});

test('a lost create refreshed after the Idempotency-Key window ends with exactly the key the state holds', async () => {
  const proxy = await faultyProxy(service);
  proxy.fail('POST', '/v1/api-keys', 'lose-answer');
  try {
    const via = await inProcessProvider(service, { endpoint: proxy.endpoint, config: { max_retries: 1 } });
    const k = via.resource('keyplane_api_key', 'k');
    const config = { name: 'late-refresh' };
    const failed = await k.apply(config, { expectError: true });
    expect(text(failed.errors)).toMatch(/tainted/);
    expect(k.state).toMatchObject({ id: null });
    const made = (await service.client.listApiKeys({ name_prefix: 'late-refresh' })).items;
    expect(made).toHaveLength(1);
    proxy.fail('POST', '/v1/api-keys', null);

    // Two days pass before the next plan.
    const old = new Date(Date.now() - (LIMITS.idempotencyKey.windowSeconds + 86_400) * 1000).toISOString();
    await service.ctx.store.db.updateTable('idempotency_keys').set({ created_at: old }).execute();

    const plan = await k.plan(config, { replace: true });
    await k.apply(plan);
    const active = (await service.client.listApiKeys({ name_prefix: 'late-refresh', status: 'active' })).items.map((x) => x.id);
    // Before, the refresh found nothing once the window had passed, dropped the instance, and the apply made a second key.
    expect(active).toEqual([k.state.id]);
  } finally {
    await proxy.close();
  }
});
