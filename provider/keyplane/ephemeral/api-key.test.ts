/**
 * The ephemeral key's renew and close against a real service over HTTP (test/helpers/service.ts): Terraform
 * renews only runs longer than two thirds of the ttl, which neither test/e2e/keyplane.ephemeral.test.ts nor
 * test/provider/ephemeral.test.ts waits for, so renew is driven here directly.
 */
import { Diagnostics, PrivateState, StateWriter, Value } from '../../sdk';
import { type HttpService, startHttpService } from '../../../test/helpers/service';
import { ApiKeyEphemeralResource, ephemeralApiKeySchema } from './api-key';
import { parseDuration } from './duration';
import { PlanLookups } from '../plan-lookups';
import { KeyReads } from '../api-key/key-reads';

jest.setTimeout(60_000);

const ctx = { signal: new AbortController().signal, log: { trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never };

describe('ephemeral keyplane_api_key', () => {
  let service: HttpService;
  beforeAll(async () => {
    service = await startHttpService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  test('open creates a key expiring after ttl, renew pushes the expiry out, close revokes it', async () => {
    const resource = new ApiKeyEphemeralResource();
    const diags = new Diagnostics();
    resource.configure(
      {
        providerData: {
          client: service.client,
          whoami: await service.client.whoami(),
          lookups: new PlanLookups(service.client),
          keyReads: new KeyReads(service.client),
        },
      },
      { diagnostics: diags },
    );
    const config = {
      name: 'renewed',
      description: null,
      service_account_id: null,
      role: 'viewer',
      scopes: null,
      allow_list_ids: null,
      labels: null,
      ttl: '2m',
      id: null,
      secret: null,
      expires_at: null,
    };
    const open = {
      result: new StateWriter(ephemeralApiKeySchema, Value.null(ephemeralApiKeySchema.type)),
      private: PrivateState.empty(),
      diagnostics: new Diagnostics(),
      renewAt: undefined as Date | undefined,
    };
    const t0 = Date.now();
    await resource.open({ ...ctx, config, rawConfig: Value.null(ephemeralApiKeySchema.type) }, open);
    expect(open.diagnostics.toArray()).toEqual([]);
    const result = open.result.get();
    expect(result.secret).toMatch(/^kp_/);
    const created = await service.client.getApiKey(result.id as string);
    expect(created).toMatchObject({ status: 'active', role: 'viewer', expires_at: result.expires_at });
    expect(Date.parse(created.expires_at!) - t0).toBeGreaterThanOrEqual(119_000);
    // Renewal is asked for after two thirds of the lifetime.
    expect(open.renewAt!.getTime() - t0).toBeGreaterThanOrEqual(79_000);
    expect(open.renewAt!.getTime() - t0).toBeLessThanOrEqual(81_000);

    await new Promise((r) => setTimeout(r, 1100));
    const renew = { private: open.private, diagnostics: new Diagnostics(), renewAt: undefined as Date | undefined };
    await resource.renew({ ...ctx, private: open.private }, renew);
    expect(renew.diagnostics.toArray()).toEqual([]);
    const renewed = await service.client.getApiKey(result.id as string);
    expect(Date.parse(renewed.expires_at!)).toBeGreaterThan(Date.parse(created.expires_at!));
    expect(renew.renewAt).toBeDefined();

    const close = { diagnostics: new Diagnostics() };
    await resource.close({ ...ctx, private: open.private }, close);
    expect(close.diagnostics.toArray()).toEqual([]);
    expect(await service.client.getApiKey(result.id as string)).toMatchObject({ status: 'revoked', revoke_reason: 'ephemeral key closed by Terraform' });
    // Closing again (a retried close) is harmless.
    await resource.close({ ...ctx, private: open.private }, close);
    expect(close.diagnostics.toArray()).toEqual([]);
  });

  test('durations read as Terraform writes them', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('90s')).toBe(90_000);
    for (const bad of ['', '15', 'm', '1.5h', '-1m', '1d', '15 m']) expect(parseDuration(bad)).toBeUndefined();
  });
});
