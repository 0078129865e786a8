/**
 * keyplane_api_key written to the secret store by an earlier provider version (which wrote the entry itself,
 * so the service's key row records no delivered entry, and the state keeps no private data): destroying it
 * under this version must still take its entry out of the secret's latest version, as the earlier version
 * did (it destroyed the version it wrote); a deleted key's secret must not stay readable among live ones.
 */
import { inTransaction } from '../../service/db/transaction';
import { inProcessProvider, type InProcessProvider } from '../helpers/in-process';
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

test.failing("destroying a key an earlier provider version delivered removes its entry from the secret's latest version", async () => {
  const secret = await service.client.createSecret({ name: 'legacy' });
  await service.client.writeSecretVersion(secret.id, { entries: { other: 'kept' } });
  const k = p.resource('keyplane_api_key', 'k');
  const config = { name: 'legacy', output_to_secret_store: { secret_id: secret.id } };
  const v = (await k.apply(config)).state;
  // What an upgrade from the earlier version leaves: no delivered entry on the key row, no private state.
  await inTransaction(service.ctx, (trx) =>
    trx.updateTable('api_keys').set({ delivered_secret_id: null, delivered_entry_key: null, delivered_version: null }).where('id', '=', v.id).execute(),
  );
  (k as unknown as { priv: Uint8Array | undefined }).priv = undefined;
  expect((await k.plan(config)).action).toBe('no-op');

  await k.destroy();
  const latest = await service.client.readSecretVersion(secret.id, 'latest');
  expect(latest.entry_keys).toEqual(['other']);
});
