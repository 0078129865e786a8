/**
 * The whole permission model as one table: every route of the API, called by each role (admin, developer,
 * viewer) through each kind of principal (a user's key, a service account's key), on objects in each relation
 * to the caller. Every cell says allowed (Y: a 2xx) or refused (N: 403 permission_denied; U: 401, the
 * caller's own key no longer authenticates); `-` marks a relation that cannot exist for that kind of caller. A route the service serves but the table lacks fails
 * the test, so a new route must take its place here.
 *
 * Relations, for routes on an owned object (a key, a secret, a service account):
 *   self    the caller's own principal owns it (for a service account route: the caller account itself)
 *   owned   a service account the calling user owns owns it (or is it)
 *   managed a service account the calling user manages owns it (or is it)
 *   other   someone else owns it: a developer the caller has no tie to, or that developer's account
 * Each cell string reads `user: self owned managed other | service account: self owned managed other`.
 * Callers hold no scopes; the scope rules have their own tests (service/http/roles.each-rule.test.ts).
 */
import type { Role } from '../../contract/roles';
import { startTestService, type TestService } from '../../test/helpers/service';

type Kind = 'user' | 'sa';
type Relation = 'self' | 'owned' | 'managed' | 'other';
const RELATIONS: Relation[] = ['self', 'owned', 'managed', 'other'];
const ROLES: Role[] = ['admin', 'developer', 'viewer'];
const KINDS: Kind[] = ['user', 'sa'];

interface Caller {
  role: Role;
  kind: Kind;
  key: string;
  /** The principal's id: a user or a service account. */
  id: string;
}
type Res = { status: number; body: any };
type TargetKind = 'key' | 'secret' | 'account' | 'none';

interface OwnedRoute {
  route: string;
  target: Exclude<TargetKind, 'none'>;
  /** Each cell gets a caller of its own: the call may destroy it. */
  freshCaller?: boolean;
  call(caller: Caller, target: string): Promise<Res>;
  expect: Record<Role, string>;
}
interface PlainRoute {
  route: string;
  call(caller: Caller, fixture: string): Promise<Res>;
  /** Makes what the call acts on, fresh for each cell. */
  fixture?: () => Promise<string>;
  /** `user cell | service account cell`. */
  expect: Record<Role, string>;
}

let svc: TestService;
let stranger: { id: string; key: string };
let n = 0;
const unique = (what: string) => `${what}-${++n}`;

beforeAll(async () => {
  svc = await startTestService();
  stranger = await svc.person('developer');
});
afterAll(() => svc.close());

async function ok(res: Res | Promise<Res>, what: string): Promise<any> {
  const r = await res;
  if (r.status >= 300) throw new Error(`setting up ${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
const admin = (method: string, url: string, body?: unknown) => svc.call(method, url, body);
const as = (c: Caller, method: string, url: string, body?: unknown) => svc.call(method, url, body, c.key);

/** A caller of `role` through `kind`; a service account caller is owned by the stranger. */
async function makeCaller(role: Role, kind: Kind): Promise<Caller & { ownedSa?: string; managedSa?: string }> {
  if (kind === 'user') {
    const p = await svc.person(role);
    return { role, kind, key: p.key, id: p.id };
  }
  const sa = await ok(admin('POST', '/v1/service-accounts', { name: unique('caller'), role, owner_user_id: stranger.id }), 'a caller account');
  const key = await ok(admin('POST', '/v1/api-keys', { name: unique('caller-key'), service_account_id: sa.id, role }), 'a caller key');
  return { role, kind, key: key.secret, id: sa.id };
}

/** A fresh viewer-role service account in `relation` to the caller, or undefined where none can exist. */
async function accountFor(c: Caller, relation: Relation): Promise<string | undefined> {
  if (relation === 'self') return c.kind === 'sa' ? c.id : undefined;
  if (c.kind === 'sa' && relation !== 'other') return undefined;
  const body =
    relation === 'owned'
      ? { owner_user_id: c.id }
      : relation === 'managed'
        ? { owner_user_id: stranger.id, manager_user_ids: [c.id] }
        : { owner_user_id: stranger.id };
  return (await ok(admin('POST', '/v1/service-accounts', { name: unique('target'), role: 'viewer', ...body }), 'a target account')).id;
}

/** The principal that owns a target in `relation`: [owner type, id], or undefined where none can exist. */
async function ownerFor(c: Caller, relation: Relation): Promise<['user' | 'service_account', string] | undefined> {
  if (relation === 'self') return [c.kind === 'user' ? 'user' : 'service_account', c.id];
  if (relation === 'other' && c.kind === 'user') return ['user', stranger.id];
  const sa = await accountFor(c, relation);
  return sa ? ['service_account', sa] : undefined;
}

async function target(kind: OwnedRoute['target'], c: Caller, relation: Relation): Promise<string | undefined> {
  if (kind === 'account') return accountFor(c, relation);
  const owner = await ownerFor(c, relation);
  if (!owner) return undefined;
  const [type, id] = owner;
  if (kind === 'key') {
    const body = type === 'user' ? { user_id: id } : { service_account_id: id };
    return (await ok(admin('POST', '/v1/api-keys', { name: unique('target-key'), role: 'viewer', ...body }), 'a target key')).api_key.id;
  }
  // A secret with one version, owned as the relation says (the API makes a secret its creator's, so the owner is set in the store).
  const secret = await ok(admin('POST', '/v1/secrets', { name: unique('target-secret') }), 'a target secret');
  await ok(admin('POST', `/v1/secrets/${secret.id}/versions`, { entries: { token: 'x' } }), 'a target version');
  await svc.ctx.store.db.updateTable('secrets').set({ owner_type: type, owner_id: id }).where('id', '=', secret.id).execute();
  return secret.id;
}

const OWNED: OwnedRoute[] = [
  {
    route: 'POST /v1/api-keys (for a service account)',
    target: 'account',
    call: (c, sa) => as(c, 'POST', '/v1/api-keys', { name: unique('k'), service_account_id: sa, role: 'viewer' }),
    expect: { admin: '-YYY|Y--Y', developer: '-YYN|Y--N', viewer: '-NNN|N--N' },
  },
  {
    route: 'GET /v1/api-keys/{id}',
    target: 'key',
    call: (c, id) => as(c, 'GET', `/v1/api-keys/${id}`),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYY|Y--Y', viewer: 'YYYY|Y--Y' },
  },
  {
    route: 'PATCH /v1/api-keys/{id}',
    target: 'key',
    call: (c, id) => as(c, 'PATCH', `/v1/api-keys/${id}`, { description: 'changed' }),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYN|Y--N', viewer: 'NNNN|N--N' },
  },
  {
    route: 'POST /v1/api-keys/{id}/revoke',
    target: 'key',
    call: (c, id) => as(c, 'POST', `/v1/api-keys/${id}/revoke`, {}),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYN|Y--N', viewer: 'NNNN|N--N' },
  },
  {
    route: 'POST /v1/api-keys/{id}/rotate',
    target: 'key',
    call: (c, id) => as(c, 'POST', `/v1/api-keys/${id}/rotate`, { overlap_seconds: 60 }),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYN|Y--N', viewer: 'NNNN|N--N' },
  },
  {
    route: 'DELETE /v1/api-keys/{id}',
    target: 'key',
    call: (c, id) => as(c, 'DELETE', `/v1/api-keys/${id}`),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYN|Y--N', viewer: 'NNNN|N--N' },
  },
  {
    route: 'GET /v1/service-accounts/{id}',
    target: 'account',
    call: (c, id) => as(c, 'GET', `/v1/service-accounts/${id}`),
    expect: { admin: '-YYY|Y--Y', developer: '-YYY|Y--Y', viewer: '-YYY|Y--Y' },
  },
  {
    route: 'PATCH /v1/service-accounts/{id} (record)',
    target: 'account',
    call: (c, id) => as(c, 'PATCH', `/v1/service-accounts/${id}`, { description: 'changed' }),
    expect: { admin: '-YYY|Y--Y', developer: '-YYN|N--N', viewer: '-NNN|N--N' },
  },
  {
    route: 'PATCH /v1/service-accounts/{id} (re-enable)',
    target: 'account',
    freshCaller: true,
    call: async (c, id) => {
      await ok(admin('PATCH', `/v1/service-accounts/${id}`, { disabled: true }), 'disabling the target');
      return as(c, 'PATCH', `/v1/service-accounts/${id}`, { disabled: false });
    },
    // A disabled account's own key cannot even authenticate (U), so the account cannot re-enable itself.
    expect: { admin: '-YYY|U--Y', developer: '-YYN|U--N', viewer: '-NNN|U--N' },
  },
  {
    route: 'PATCH /v1/service-accounts/{id} (managers)',
    target: 'account',
    call: (c, id) => as(c, 'PATCH', `/v1/service-accounts/${id}`, { manager_user_ids: [stranger.id] }),
    expect: { admin: '-YYY|Y--Y', developer: '-YNN|N--N', viewer: '-NNN|N--N' },
  },
  {
    route: 'PATCH /v1/service-accounts/{id} (owner)',
    target: 'account',
    call: (c, id) => as(c, 'PATCH', `/v1/service-accounts/${id}`, { owner_user_id: svc.adminUserId }),
    expect: { admin: '-YYY|Y--Y', developer: '-YNN|N--N', viewer: '-NNN|N--N' },
  },
  {
    route: 'DELETE /v1/service-accounts/{id}',
    target: 'account',
    freshCaller: true,
    call: (c, id) => as(c, 'DELETE', `/v1/service-accounts/${id}`),
    expect: { admin: '-YYY|Y--Y', developer: '-YNN|N--N', viewer: '-NNN|N--N' },
  },
  {
    route: 'POST /v1/secrets (for a service account)',
    target: 'account',
    call: (c, sa) => as(c, 'POST', '/v1/secrets', { name: unique('s'), service_account_id: sa }),
    expect: { admin: '-YYY|Y--Y', developer: '-YYN|Y--N', viewer: '-NNN|N--N' },
  },
  {
    route: 'GET /v1/secrets/{id}',
    target: 'secret',
    call: (c, id) => as(c, 'GET', `/v1/secrets/${id}`),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYY|Y--Y', viewer: 'YYYY|Y--Y' },
  },
  {
    route: 'GET /v1/secrets/{id}/versions',
    target: 'secret',
    call: (c, id) => as(c, 'GET', `/v1/secrets/${id}/versions`),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYY|Y--Y', viewer: 'YYYY|Y--Y' },
  },
  {
    route: 'GET /v1/secrets/{id}/versions/latest',
    target: 'secret',
    call: (c, id) => as(c, 'GET', `/v1/secrets/${id}/versions/latest`),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYN|Y--N', viewer: 'YYYN|Y--N' },
  },
  {
    route: 'GET /v1/secrets/{id}/versions/{version}',
    target: 'secret',
    call: (c, id) => as(c, 'GET', `/v1/secrets/${id}/versions/1`),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYN|Y--N', viewer: 'YYYN|Y--N' },
  },
  {
    route: 'POST /v1/secrets/{id}/versions',
    target: 'secret',
    call: (c, id) => as(c, 'POST', `/v1/secrets/${id}/versions`, { entries: { token: 'y' } }),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYN|Y--N', viewer: 'NNNN|N--N' },
  },
  {
    route: 'POST /v1/secrets/{id}/versions/{version}/destroy',
    target: 'secret',
    call: (c, id) => as(c, 'POST', `/v1/secrets/${id}/versions/1/destroy`, {}),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYN|Y--N', viewer: 'NNNN|N--N' },
  },
  {
    route: 'PATCH /v1/secrets/{id}',
    target: 'secret',
    call: (c, id) => as(c, 'PATCH', `/v1/secrets/${id}`, { description: 'changed' }),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYN|Y--N', viewer: 'NNNN|N--N' },
  },
  {
    route: 'DELETE /v1/secrets/{id}',
    target: 'secret',
    call: (c, id) => as(c, 'DELETE', `/v1/secrets/${id}`),
    expect: { admin: 'YYYY|Y--Y', developer: 'YYYN|Y--N', viewer: 'NNNN|N--N' },
  },
];

const allowList = async () => (await ok(admin('POST', '/v1/ip-allow-lists', { name: unique('list'), cidrs: ['10.0.0.0/8'] }), 'an allow list')).id as string;
const PLAIN: PlainRoute[] = [
  { route: 'GET /v1/whoami', call: (c) => as(c, 'GET', '/v1/whoami'), expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' } },
  // Any key may open a console session or a sign-in link; what the session may do is its key's role.
  {
    route: 'POST /v1/console/sessions',
    call: (c) => svc.call('POST', '/v1/console/sessions', { api_key: c.key }, null, { origin: 'http://localhost:80' }),
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' },
  },
  {
    // Answered by the session cookie alone: any key's session is there to be found by its browser.
    route: 'GET /v1/console/session',
    call: async (c) => {
      const opened = await svc.app.inject({
        method: 'POST',
        url: '/v1/console/sessions',
        payload: { api_key: c.key },
        headers: { origin: 'http://localhost:80' },
      });
      const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
      return svc.call('GET', '/v1/console/session', undefined, null, { cookie });
    },
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' },
  },
  {
    route: 'DELETE /v1/console/session',
    call: () => svc.call('DELETE', '/v1/console/session', undefined, null, { origin: 'http://localhost:80' }),
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' },
  },
  {
    route: 'POST /v1/console/sign-in-links',
    call: (c) => as(c, 'POST', '/v1/console/sign-in-links', {}),
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' },
  },
  { route: 'GET /v1/api-keys', call: (c) => as(c, 'GET', '/v1/api-keys'), expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' } },
  {
    route: 'POST /v1/api-keys (for itself)',
    call: (c) => as(c, 'POST', '/v1/api-keys', { name: unique('own') }),
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'N|N' },
  },
  {
    route: 'POST /v1/api-keys (for another user)',
    call: (c) => as(c, 'POST', '/v1/api-keys', { name: unique('theirs'), user_id: stranger.id, role: 'viewer' }),
    expect: { admin: 'Y|Y', developer: 'N|N', viewer: 'N|N' },
  },
  {
    route: 'POST /v1/keys/verify',
    call: (c) => as(c, 'POST', '/v1/keys/verify', { key: stranger.key }),
    expect: { admin: 'Y|Y', developer: 'N|N', viewer: 'N|N' },
  },
  { route: 'GET /v1/service-accounts', call: (c) => as(c, 'GET', '/v1/service-accounts'), expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' } },
  {
    route: 'POST /v1/service-accounts',
    call: (c) => as(c, 'POST', '/v1/service-accounts', { name: unique('made') }),
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'N|N' },
  },
  { route: 'GET /v1/users', call: (c) => as(c, 'GET', '/v1/users'), expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' } },
  { route: 'GET /v1/users/{id}', call: (c) => as(c, 'GET', `/v1/users/${stranger.id}`), expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' } },
  {
    route: 'POST /v1/users',
    call: (c) => as(c, 'POST', '/v1/users', { email: `${unique('u')}@example.com`, name: 'U', role: 'viewer' }),
    expect: { admin: 'Y|Y', developer: 'N|N', viewer: 'N|N' },
  },
  {
    route: 'PATCH /v1/users/{id}',
    fixture: async () => (await svc.person('viewer')).id,
    call: (c, id) => as(c, 'PATCH', `/v1/users/${id}`, { name: 'Renamed' }),
    expect: { admin: 'Y|Y', developer: 'N|N', viewer: 'N|N' },
  },
  {
    route: 'DELETE /v1/users/{id}',
    fixture: async () => (await svc.person('viewer')).id,
    call: (c, id) => as(c, 'DELETE', `/v1/users/${id}`),
    expect: { admin: 'Y|Y', developer: 'N|N', viewer: 'N|N' },
  },
  { route: 'GET /v1/scopes', call: (c) => as(c, 'GET', '/v1/scopes'), expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' } },
  {
    route: 'POST /v1/scopes',
    call: (c) => as(c, 'POST', '/v1/scopes', { name: `matrix.${unique('s').replace('-', '')}`, description: '' }),
    expect: { admin: 'Y|Y', developer: 'N|N', viewer: 'N|N' },
  },
  {
    route: 'DELETE /v1/scopes/{name}',
    fixture: async () => {
      const name = `matrix.${unique('d').replace('-', '')}`;
      await ok(admin('POST', '/v1/scopes', { name, description: '' }), 'a scope');
      return name;
    },
    call: (c, name) => as(c, 'DELETE', `/v1/scopes/${name}`),
    expect: { admin: 'Y|Y', developer: 'N|N', viewer: 'N|N' },
  },
  { route: 'GET /v1/ip-allow-lists', call: (c) => as(c, 'GET', '/v1/ip-allow-lists'), expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' } },
  {
    route: 'GET /v1/ip-allow-lists/{id}',
    fixture: allowList,
    call: (c, id) => as(c, 'GET', `/v1/ip-allow-lists/${id}`),
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' },
  },
  {
    route: 'POST /v1/ip-allow-lists',
    call: (c) => as(c, 'POST', '/v1/ip-allow-lists', { name: unique('l'), cidrs: ['10.0.0.0/8'] }),
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'N|N' },
  },
  {
    route: 'PATCH /v1/ip-allow-lists/{id} (no key uses it)',
    fixture: allowList,
    call: (c, id) => as(c, 'PATCH', `/v1/ip-allow-lists/${id}`, { cidrs: ['0.0.0.0/0'] }),
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'N|N' },
  },
  {
    route: 'PATCH /v1/ip-allow-lists/{id} (an admin key uses it)',
    fixture: async () => {
      const id = await allowList();
      await ok(admin('POST', '/v1/api-keys', { name: unique('fenced'), role: 'admin', allow_list_ids: [id] }), 'an admin key on the list');
      return id;
    },
    call: (c, id) => as(c, 'PATCH', `/v1/ip-allow-lists/${id}`, { cidrs: ['0.0.0.0/0'] }),
    expect: { admin: 'Y|Y', developer: 'N|N', viewer: 'N|N' },
  },
  {
    route: 'DELETE /v1/ip-allow-lists/{id}',
    fixture: allowList,
    call: (c, id) => as(c, 'DELETE', `/v1/ip-allow-lists/${id}`),
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'N|N' },
  },
  { route: 'GET /v1/secrets', call: (c) => as(c, 'GET', '/v1/secrets'), expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'Y|Y' } },
  {
    route: 'POST /v1/secrets (for itself)',
    call: (c) => as(c, 'POST', '/v1/secrets', { name: unique('mine') }),
    expect: { admin: 'Y|Y', developer: 'Y|Y', viewer: 'N|N' },
  },
  { route: 'GET /v1/audit-events', call: (c) => as(c, 'GET', '/v1/audit-events'), expect: { admin: 'Y|Y', developer: 'N|N', viewer: 'N|N' } },
];

/** The expected outcome of one cell: 'Y', 'N' or '-'. */
function cell(expect: Record<Role, string>, role: Role, kind: Kind, index: number): string {
  const [user, sa] = expect[role].split('|') as [string, string];
  return (kind === 'user' ? user : sa)[index]!;
}

/** What a cell's answer was, in the table's terms; anything but a 2xx or a 403 permission_denied is a broken cell. */
function outcome(res: Res): string {
  if (res.status >= 200 && res.status < 300) return 'Y';
  if (res.status === 403 && res.body?.error?.code === 'permission_denied') return 'N';
  if (res.status === 401 && res.body?.error?.code === 'unauthenticated') return 'U';
  return `${res.status} ${JSON.stringify(res.body)}`;
}

test('the table names every route the service serves', async () => {
  const doc = (await svc.call('GET', '/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const served = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
  const tabled = new Set([...OWNED, ...PLAIN].map((r) => r.route.replace(/ \(.*\)$/, '')));
  expect(served.filter((r) => !tabled.has(r)).sort()).toEqual([]);
  expect([...tabled].filter((r) => !served.includes(r)).sort()).toEqual([]);
});

describe.each(KINDS)('through a %s key', (kind) => {
  describe.each(ROLES)('acting as %s', (role) => {
    let caller: Caller;
    beforeAll(async () => {
      caller = await makeCaller(role, kind);
    });

    test.each(OWNED.map((r) => [r.route, r] as const))('%s, on objects in each relation', async (_, route) => {
      const got: string[] = [];
      const want: string[] = [];
      for (const [i, relation] of RELATIONS.entries()) {
        const expected = cell(route.expect, role, kind, i);
        want.push(`${relation}: ${expected}`);
        const who = route.freshCaller ? await makeCaller(role, kind) : caller;
        const id = await target(route.target, who, relation);
        if (id === undefined) {
          got.push(`${relation}: -`);
          continue;
        }
        got.push(`${relation}: ${outcome(await route.call(who, id))}`);
      }
      expect(got).toEqual(want);
    });

    test.each(PLAIN.map((r) => [r.route, r] as const))('%s', async (_, route) => {
      const fixture = route.fixture ? await route.fixture() : '';
      expect(outcome(await route.call(caller, fixture))).toBe(cell(route.expect, role, kind, 0));
    });
  });
});
