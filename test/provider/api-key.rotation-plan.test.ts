/**
 * How keyplane_api_key's rotation block plans, in process against a real service over HTTP. Terraform plans
 * a change twice: at plan, and again at apply (the final plan, which may not contradict the first: "Provider
 * produced inconsistent final plan"), with the values known by then and possibly long after (a saved plan).
 * So a triggers map or block known only at apply (built from another resource, as `time_rotating.x.id` is)
 * plans the rotation outputs unknown, and the apply rotates only if the triggers then differ; rotate_after is
 * judged at the refresh, so the final plan of a saved plan decides as the plan did, and a plan or apply (which
 * refreshes first) rotates a key past it. Under the real terraform: test/e2e/keyplane.api-key.rotation-unknown.test.ts.
 */
import { KeyplaneClient } from '../../client';
import { inTransaction } from '../../service/db/transaction';
import { diagnosticText as text, inProcessProvider, type InProcessProvider, type Plain, type Plan, unknown } from '../helpers/in-process';
import { configValue } from '../helpers/in-process/schema';
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

const authenticates = async (secret: string) => (await new KeyplaneClient({ endpoint: service.endpoint, apiKey: secret, retries: 0 }).whoami()).api_key.id;

/** The plan as Terraform applies it once the values unknown at plan are known: the final plan gets `config`. */
function knownAtApply(plan: Plan, config: Plain): Plan {
  return { ...plan, saved: { ...plan.saved, config: configValue(p.schema('resource', 'keyplane_api_key').block, config, plan.address) } };
}

/** Makes the key's current secret `seconds` old, as the service sees it. */
async function age(id: string, seconds: number): Promise<string> {
  const at = new Date(Date.now() - seconds * 1000).toISOString();
  await inTransaction(service.ctx, (trx) => trx.updateTable('api_keys').set({ created_at: at }).where('id', '=', id).execute());
  return at;
}

const ROTATED = { secret: unknown, display_prefix: unknown, secret_version: unknown, rotated_at: unknown, previous_secret_expires_at: unknown };

test('a triggers map unknown at plan plans the rotation outputs unknown; at apply it rotates only if the triggers then differ', async () => {
  const k = p.resource('keyplane_api_key', 'k');
  const cfg = (gen: unknown) => ({ name: 'unknown-trigger', rotation: { triggers: gen, overlap: '0s' } });
  const v = (await k.apply(cfg({ gen: '1' }))).state;
  expect(v.secret_version).toBe(1);

  const plan = await k.plan(cfg(unknown));
  expect(plan.action).toBe('update');
  expect(plan.after).toMatchObject({ id: v.id, ...ROTATED, encrypted_secret: null, secret_store_version_id: null });
  // Known at apply and the same as before: nothing rotates, the outputs are those in state.
  const same = (await k.apply(knownAtApply(plan, cfg({ gen: '1' })))).state;
  expect(same).toMatchObject({ id: v.id, secret: v.secret, secret_version: 1, display_prefix: v.display_prefix, rotated_at: null });
  expect(await authenticates(v.secret)).toBe(v.id);

  // Known at apply and different: the key rotates in place.
  const again = await k.plan(cfg(unknown));
  const rotated = (await k.apply(knownAtApply(again, cfg({ gen: '2' })))).state;
  expect(rotated).toMatchObject({ id: v.id, secret_version: 2, rotation: { triggers: { gen: '2' } } });
  expect(rotated.secret).not.toBe(v.secret);
  expect(await authenticates(rotated.secret)).toBe(v.id);
  await expect(authenticates(v.secret)).rejects.toMatchObject({ status: 401 });
  expect((await k.plan(cfg({ gen: '2' }))).action).toBe('no-op');
  await k.destroy();
});

test('a triggers map with some values unknown at plan plans a rotation, and the apply rotates when they differ', async () => {
  const k = p.resource('keyplane_api_key', 'k');
  const cfg = (gen: unknown) => ({ name: 'partly-unknown', rotation: { triggers: { fixed: 'a', gen }, overlap: '0s' } });
  const v = (await k.apply(cfg('1'))).state;
  const plan = await k.plan(cfg(unknown));
  expect(plan.action).toBe('update');
  expect(plan.after).toMatchObject(ROTATED);
  const same = (await k.apply(knownAtApply(plan, cfg('1')))).state;
  expect(same).toMatchObject({ secret: v.secret, secret_version: 1 });
  const rotated = (await k.apply(knownAtApply(await k.plan(cfg(unknown)), cfg('2')))).state;
  expect(rotated).toMatchObject({ id: v.id, secret_version: 2 });
  expect(await authenticates(rotated.secret)).toBe(v.id);
  await k.destroy();
});

test('a rotation block unknown at plan (a dynamic block) plans the rotation outputs unknown', async () => {
  const k = p.resource('keyplane_api_key', 'k');
  const v = (await k.apply({ name: 'unknown-block', rotation: { triggers: { gen: '1' } } })).state;
  const plan = await k.plan({ name: 'unknown-block', rotation: unknown });
  expect(plan.after).toMatchObject({ ...ROTATED, id: v.id });
  await k.destroy();
});

test('rotate_after: a plan (which refreshes first) rotates a key past it, and the apply of that plan rotates', async () => {
  const k = p.resource('keyplane_api_key', 'k');
  const config = { name: 'aged', rotation: { rotate_after: '1h', overlap: '0s' } };
  const v = (await k.apply(config)).state;
  expect((await k.plan(config)).action).toBe('no-op');
  const since = await age(v.id, 3601);
  const plan = await k.plan(config);
  expect(plan.action).toBe('update');
  expect(plan.after).toMatchObject({ id: v.id, ...ROTATED });
  const rotated = (await k.apply(plan)).state;
  expect(rotated).toMatchObject({ id: v.id, secret_version: 2 });
  expect(Date.parse(rotated.rotated_at)).toBeGreaterThan(Date.parse(since));
  expect(await authenticates(rotated.secret)).toBe(v.id);
  // Counted from the rotation now: nothing more to do.
  expect((await k.plan(config)).action).toBe('no-op');
  // `apply -auto-approve` (plan and apply in one) does it too.
  await inTransaction(service.ctx, (trx) =>
    trx
      .updateTable('api_keys')
      .set({ rotated_at: new Date(Date.now() - 7200_000).toISOString() })
      .where('id', '=', v.id)
      .execute(),
  );
  expect((await k.apply(config)).state).toMatchObject({ id: v.id, secret_version: 3 });
  await k.destroy();
});

test('rotate_after with a saved plan: the key crossing it between plan and apply does not change the final plan', async () => {
  const k = p.resource('keyplane_api_key', 'k');
  const config = { name: 'aging', rotation: { rotate_after: '1m' } };
  const v = (await k.apply(config)).state;
  // The key is 58 s old when planned, 61 s old when the saved plan is applied.
  const createdAt = await age(v.id, 58);
  const plan = await k.plan(config);
  expect(plan.action).toBe('no-op');
  // A no-op plan is not applied; a plan that changes something else is (the description here).
  const changed = await k.plan({ ...config, description: 'later' });
  expect(changed.action).toBe('update');
  expect(changed.after.secret_version).toBe(1);
  await new Promise((r) => setTimeout(r, Date.parse(createdAt) + 61_000 - Date.now()));
  // Fails with "Provider produced inconsistent final plan" if the final plan judges the age again.
  const applied = await k.apply(changed);
  expect(text(applied.diagnostics)).not.toMatch(/inconsistent/);
  expect(applied.state).toMatchObject({ id: v.id, description: 'later', secret_version: 1, secret: v.secret });
  // The next plan refreshes, sees the key past rotate_after, and rotates it.
  const next = await k.plan({ ...config, description: 'later' });
  expect(next.after).toMatchObject(ROTATED);
  expect((await k.apply(next)).state).toMatchObject({ id: v.id, secret_version: 2 });
  await k.destroy();
});
