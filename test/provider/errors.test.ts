/**
 * What the provider says when the service cannot be reached or fails, in process (test/helpers/in-process)
 * against a real service over HTTP behind a gate (test/helpers/tcp-gate.ts) that can refuse connections (its port closed), drop them
 * after the request arrives, never answer, or answer 503: every plan, apply, refresh, destroy, data source
 * and ephemeral resource reports the failure as what it is (client/errors.ts), never as a provider bug. And
 * what the service would refuse and the provider knows at plan (its key's role, description and label limits
 * from contract/limits.ts) fails the plan at the attribute. The rendering under the real terraform is in
 * test/e2e/keyplane.errors.test.ts.
 */
import { LIMITS } from '../../contract/limits';
import { LEAST_ROLE_TO_MANAGE } from '../../contract/roles';
import { type Diagnostic, type InProcessProvider, diagnosticText as text, inProcessProvider } from '../helpers/in-process';
import { secretFragmentsIn } from '../helpers/keyplane';
import { type HttpService, startHttpService } from '../helpers/service';
import { type GateMode, tcpGate } from '../helpers/tcp-gate';

type Mode = GateMode;

let service: HttpService;
beforeAll(async () => {
  service = await startHttpService();
});
afterAll(async () => {
  await service?.stop();
});

/** Every error of a call that must fail (a call that throws a harness error is recorded as one). */
async function errorsOf(fn: () => Promise<{ errors: Diagnostic[] }>): Promise<Diagnostic[]> {
  try {
    return (await fn()).errors;
  } catch (err) {
    const d = (err as { diagnostics?: Diagnostic[] }).diagnostics;
    if (d) return d.filter((x) => x.severity === 'error');
    throw err;
  }
}

const cases: [Mode, RegExp][] = [
  ['refuse', /Cannot reach the Keyplane service at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)[^:]*: is it running\?/],
  [
    'reset',
    /No usable answer from the Keyplane service at http:\/\/127\.0\.0\.1:\d+[^:]*: the connection was dropped \(ECONNRESET\) after (GET|POST|PATCH|DELETE) \/v1\/\S+ was sent, so the answer was lost/,
  ],
  [
    'hang',
    /No usable answer from the Keyplane service at http:\/\/127\.0\.0\.1:\d+[^:]*: (GET|POST|PATCH|DELETE) \/v1\/\S+ timed out \(no complete answer within 1000 ms\), so the answer was lost/,
  ],
  ['503', /The Keyplane service at http:\/\/127\.0\.0\.1:\d+ failed[^:]*: request id req-gate-503 \(503 unavailable: the store is overloaded\)/],
];

test.each(cases)(
  'a service that fails with "%s" is reported as such by every operation, never as a provider bug',
  async (mode, expected) => {
    const g = await tcpGate(service.endpoint);
    try {
      // A deadline long enough for a loaded machine, short only where the test waits for it.
      const timeout = mode === 'hang' ? 1 : 10;
      const p = await inProcessProvider(service, { endpoint: g.endpoint, config: { max_retries: 0, request_timeout_seconds: timeout } });
      const secret = await service.client.createSecret({ name: `errors-${mode}` });
      const sa = await service.client.createServiceAccount({ name: `errors-${mode}` });
      const configs: [string, Record<string, unknown>][] = [
        ['keyplane_api_key', { name: 'k', service_account_id: sa.id, scopes: [], output_to_secret_store: { secret_id: secret.id } }],
        ['keyplane_service_account', { name: `sa-${mode}` }],
        ['keyplane_ip_allow_list', { name: `al-${mode}`, cidrs: ['10.0.0.0/8'] }],
        ['keyplane_secret', { name: `sec-${mode}` }],
      ];
      const existing = [];
      for (const [type, config] of configs) {
        const r = p.resource(type, 'existing');
        await r.apply(config);
        existing.push({ r, config });
      }
      await g.set(mode);
      const reported: [string, Diagnostic[]][] = [];
      for (const [type, config] of configs) {
        const r = p.resource(type, 'new');
        // The api key's plan checks ask the service (the others' plans do not); an apply plans again, then creates.
        if (type === 'keyplane_api_key') reported.push([`plan ${type}`, await errorsOf(() => r.plan(config, { expectError: true }))]);
        reported.push([`apply ${type}`, await errorsOf(() => r.apply(config, { expectError: true }))]);
      }
      for (const { r, config } of existing) {
        const changed = { ...config, name: `${String(config.name)}-changed` };
        reported.push([`refresh ${r.type}`, await errorsOf(() => r.plan(changed, { expectError: true }))]);
        reported.push([`update ${r.type}`, await errorsOf(() => r.apply(changed, { expectError: true, refresh: false }))]);
        reported.push([`destroy ${r.type}`, await errorsOf(() => r.destroy({ expectError: true }))]);
      }
      for (const [type, config] of [
        ['keyplane_api_key', { id: 'key_none' }],
        ['keyplane_api_keys', {}],
        ['keyplane_service_account', { id: 'sa_none' }],
        ['keyplane_scopes', {}],
      ] as const)
        reported.push([`data ${type}`, await errorsOf(() => p.readData(type, config, { expectError: true }))]);
      for (const [type, config] of [
        ['keyplane_api_key', { name: 'e' }],
        ['keyplane_secret_version', { secret_id: secret.id }],
      ] as const)
        reported.push([`ephemeral ${type}`, await errorsOf(() => p.open(type, config, { expectError: true }))]);
      const fresh = await inProcessProvider(service, { endpoint: g.endpoint, configure: false });
      reported.push([
        'configure',
        await errorsOf(() =>
          fresh.configure({ endpoint: g.endpoint, api_key: service.adminKey, max_retries: 0, request_timeout_seconds: timeout }, { expectError: true }),
        ),
      ]);

      for (const [what, errors] of reported) {
        // Every operation fails, with the failure named, and nothing calls it a bug.
        expect([what, errors.length > 0]).toEqual([what, true]);
        expect([what, text(errors)]).toEqual([what, expect.stringMatching(expected)]);
        expect([what, text(errors)]).toEqual([what, expect.not.stringMatching(/bug in the provider|Unexpected Provider Error/i)]);
      }
      const all = reported.flatMap(([, e]) => e);
      expect(secretFragmentsIn(text(all) + p.logText() + fresh.logText(), service.adminKey)).toEqual([]);
      // Whether a request may have acted is said as the transport knows it.
      if (mode === 'refuse') expect(text(all)).toMatch(/POST \/v1\/service-accounts was not sent, so nothing changed/);
      if (mode === 'reset' || mode === 'hang') {
        expect(text(reported.find(([w]) => w === 'apply keyplane_service_account')![1])).toMatch(
          /may have carried out POST \/v1\/service-accounts before the answer was lost: check whether it took effect before repeating it/,
        );
        expect(text(reported.find(([w]) => w === 'refresh keyplane_secret')![1])).toMatch(/GET \/v1\/secrets\/sec_\w+ only reads, so nothing changed/);
      }
      if (mode === '503')
        expect(text(reported.find(([w]) => w === 'apply keyplane_secret')![1])).toMatch(/may have carried out POST \/v1\/secrets before failing/);
    } finally {
      await g.close();
    }
  },
  120_000,
);

describe('what the service would refuse is refused at plan', () => {
  let viewer: InProcessProvider;
  beforeAll(async () => {
    const person = await service.person('viewer');
    viewer = await inProcessProvider(service, { apiKey: person.key });
  });

  test(`a provider key below ${LEAST_ROLE_TO_MANAGE.api_keys} cannot plan a keyplane_api_key, as it cannot plan a service account`, async () => {
    const key = await viewer.resource('keyplane_api_key', 'k').plan({ name: 'from-viewer' }, { expectError: true });
    expect(key.errors.map((e) => e.summary)).toEqual(['Role Too Low To Manage API Keys']);
    expect(key.errors[0]!.detail).toMatch(
      new RegExp(`acts for usr_\\w+ as viewer; creating or changing an API key needs the ${LEAST_ROLE_TO_MANAGE.api_keys} role`),
    );
    const sa = await viewer.resource('keyplane_service_account', 's').plan({ name: 'from-viewer' }, { expectError: true });
    expect(sa.errors.map((e) => e.summary)).toEqual(['Role Too Low To Manage Service Accounts']);
    // The service agrees: the same request at apply time is refused.
    const admin = await inProcessProvider(service);
    const k = admin.resource('keyplane_api_key', 'k');
    await k.apply({ name: 'made-by-admin' });
    expect((await k.plan({ name: 'made-by-admin' })).action).toBe('no-op');
  });

  test('a description or labels over the limits, and label keys the service refuses, fail the plan at the attribute', async () => {
    const p = await inProcessProvider(service);
    const r = p.resource('keyplane_api_key', 'k');
    const tooMany = Object.fromEntries(Array.from({ length: LIMITS.labels.max + 1 }, (_, i) => [`l${i}`, 'v']));
    const failed = await r.plan(
      {
        name: 'limits',
        description: 'd'.repeat(LIMITS.description.max + 1),
        labels: { 'has space': 'v', ok: 'x'.repeat(LIMITS.labels.valueMax + 1), ['k'.repeat(64)]: 'v' },
      },
      { expectError: true },
    );
    expect(failed.errors.map((e) => [e.summary, e.attribute]).sort()).toEqual([
      // Caught at validate by the attribute's validator, the rule and words every resource's description has.
      ['Description Too Long', 'description'],
      ['Invalid Label Key', 'labels["has space"]'],
      ['Invalid Label Key', `labels["${'k'.repeat(64)}"]`],
      ['Label Value Too Long', 'labels["ok"]'],
    ]);
    expect(text(failed.errors)).toContain(
      `Description Too Long: description is ${LIMITS.description.max + 1} characters; the Keyplane service accepts at most ${LIMITS.description.max}.`,
    );
    const many = await r.plan({ name: 'limits', labels: tooMany }, { expectError: true });
    expect(many.errors.map((e) => [e.summary, e.attribute])).toEqual([['Too Many Labels', 'labels']]);
    // At the limits exactly, the plan passes and the service accepts them.
    const atLimit = {
      name: 'limits',
      description: 'd'.repeat(LIMITS.description.max),
      labels: {
        ...Object.fromEntries(Array.from({ length: LIMITS.labels.max - 1 }, (_, i) => [`l${i}`, 'v'])),
        'a_b.c:d/e-f': 'x'.repeat(LIMITS.labels.valueMax),
      },
    };
    const { state } = await r.apply(atLimit);
    expect(Object.keys(state.labels)).toHaveLength(LIMITS.labels.max);
    // Characters are code points, as the service counts them: at the limit in astral characters (twice as
    // many UTF-16 units) the plan passes and the service takes it; one more fails the plan, and the service
    // would refuse it too.
    const astral = (n: number) => '\u{1F511}'.repeat(n);
    const wide = await r.apply({ name: 'limits', description: astral(LIMITS.description.max) });
    expect(wide.state.description).toBe(astral(LIMITS.description.max));
    const overWide = await r.plan({ name: 'limits', description: astral(LIMITS.description.max + 1) }, { expectError: true });
    expect(overWide.errors.map((e) => [e.summary, e.attribute])).toEqual([['Description Too Long', 'description']]);
    await expect(service.client.createApiKey({ name: 'limits-astral', description: astral(LIMITS.description.max + 1) })).rejects.toMatchObject({
      status: 400,
      field: 'description',
    });
    await r.destroy();
    // The ephemeral keyplane_api_key takes labels too: the same rule, before any key is made.
    const before = (await service.client.listApiKeys({ name_prefix: 'ephemeral-limits' })).items.length;
    const opened = await p.open('keyplane_api_key', { name: 'ephemeral-limits', labels: { 'has space': 'v' } }, { expectError: true });
    expect(opened.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary)).toEqual(['Invalid Label Key']);
    expect((await service.client.listApiKeys({ name_prefix: 'ephemeral-limits' })).items).toHaveLength(before);
  });
});
