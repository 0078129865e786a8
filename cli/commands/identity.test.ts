/**
 * `keyplane verify`, run in process against a real service over HTTP: the result is printed in every case,
 * and a key that does not pass exits with its reason's code (cli/errors.ts VERIFY_EXIT_CODES), so a script
 * can stop on it.
 */
import { generateKey } from '../../contract/key-format';
import { inTransaction } from '../../service/db/transaction';
import { runCli } from '../../test/helpers/cli-in-process';
import { type HttpService, startHttpService } from '../../test/helpers/service';
import { tableField } from '../../test/helpers/cli';
import { VERIFY_EXIT_CODES } from '../errors';

let svc: HttpService;
beforeAll(async () => {
  svc = await startHttpService();
});
afterAll(() => svc.close());

const kp = (args: string[]) => runCli(svc.endpoint, svc.adminKey, args);
const make = async (body: Record<string, unknown> = {}) => {
  const res = await svc.call('POST', '/v1/api-keys', { name: 'subject', ...body });
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  return res.body as { api_key: { id: string }; secret: string };
};

test('a valid key exits 0 and prints valid true', async () => {
  const k = await make();
  const res = await kp(['verify', k.secret]);
  expect([res.code, tableField(res.stdout, 'valid'), tableField(res.stdout, 'key_id')]).toEqual([0, 'true', k.api_key.id]);
});

/** Each reason a key does not pass, made real against the service. */
const CASES: [reason: keyof typeof VERIFY_EXIT_CODES, code: number, setUp: () => Promise<string[]>][] = [
  ['unknown', 3, async () => [generateKey()]],
  [
    'revoked',
    4,
    async () => {
      const k = await make();
      await svc.call('POST', `/v1/api-keys/${k.api_key.id}/revoke`, {});
      return [k.secret];
    },
  ],
  [
    'expired',
    5,
    async () => {
      const k = await make();
      // The API refuses a past expiry: move it behind the API's back (the write drops caches).
      await inTransaction(svc.ctx, (trx) =>
        trx
          .updateTable('api_keys')
          .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
          .where('id', '=', k.api_key.id)
          .execute(),
      );
      return [k.secret];
    },
  ],
  ['scope_missing', 6, async () => [(await make()).secret, '--scope', 'keyplane.audit.read']],
  [
    'ip_not_allowed',
    6,
    async () => {
      const list = (await svc.call('POST', '/v1/ip-allow-lists', { name: `office-${Date.now()}`, cidrs: ['203.0.113.0/24'] })).body;
      return [(await make({ allow_list_ids: [list.id] })).secret, '--client-ip', '198.51.100.1'];
    },
  ],
  [
    'owner_disabled',
    6,
    async () => {
      const sa = (await svc.call('POST', '/v1/service-accounts', { name: `disabled-${Date.now()}`, role: 'viewer' })).body;
      const k = await make({ service_account_id: sa.id });
      await svc.call('PATCH', `/v1/service-accounts/${sa.id}`, { disabled: true });
      return [k.secret];
    },
  ],
  [
    'rate_limited',
    6,
    async () => {
      const k = await make({ rate_limit: { limit: 1, window_seconds: 3600 } });
      expect((await svc.call('GET', '/v1/whoami', undefined, k.secret)).status).toBe(200);
      return [k.secret];
    },
  ],
];

test('every reason has a case here', () => {
  expect(CASES.map(([reason]) => reason).sort()).toEqual(Object.keys(VERIFY_EXIT_CODES).sort());
});

test.each(CASES)('a key that is %s exits %d and prints why on stdout', async (reason, code, setUp) => {
  const args = await setUp();
  const res = await kp(['verify', ...args]);
  expect(res.code).toBe(code);
  expect([tableField(res.stdout, 'valid'), tableField(res.stdout, 'reason')]).toEqual(['false', reason]);
  expect(res.stderr).toBe('');
  const asJson = await kp(['verify', ...args, '-o', 'json']);
  expect([asJson.code, JSON.parse(asJson.stdout)]).toEqual([code, expect.objectContaining({ valid: false, reason })]);
});

test('verify --help lists the exit codes', async () => {
  const res = await kp(['verify', '--help']);
  expect(res.code).toBe(0);
  expect(res.stdout).toMatch(/^ {2}3 {2}the key does not pass: unknown$/m);
  expect(res.stdout).toMatch(/^ {2}4 {2}the key does not pass: revoked$/m);
  expect(res.stdout).toMatch(/^ {2}5 {2}the key does not pass: expired$/m);
  expect(res.stdout).toMatch(/^ {2}6 {2}the key does not pass: ip_not_allowed, scope_missing, owner_disabled, rate_limited$/m);
});
