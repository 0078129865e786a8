/** When sessions and sign-in links end by the clock: idle, lifetime, and a link's few minutes. */
import { startTestService, type TestService } from '../../test/helpers/service';
import { SESSION_IDLE_MS, SESSION_LIFETIME_MS, SESSION_TOUCH_MS, SIGN_IN_LINK_TTL_MS } from './session-policy';
import { ConsoleSessions } from './sessions';
import { SignInLinks } from './sign-in-links';

let svc: TestService;
let now: number;
const clock = () => now;
beforeAll(async () => {
  svc = await startTestService();
});
beforeEach(() => {
  now = Date.parse('2030-01-01T00:00:00Z');
});
afterAll(() => svc.close());

test('a session used within its idle limit lives on, and ends once idle that long', async () => {
  const sessions = new ConsoleSessions(svc.ctx.store.db, clock);
  const { token } = await sessions.open('key_x', 'hash');
  now += SESSION_IDLE_MS - 1;
  expect(await sessions.resolve(token)).toBeDefined(); // touched: last use is now
  now += SESSION_IDLE_MS - 1;
  expect(await sessions.resolve(token)).toBeDefined();
  now += SESSION_IDLE_MS;
  expect(await sessions.resolve(token)).toBeUndefined();
  now -= SESSION_IDLE_MS; // gone, not just refused
  expect(await sessions.resolve(token)).toBeUndefined();
});

test('a busy session still ends at its lifetime', async () => {
  const sessions = new ConsoleSessions(svc.ctx.store.db, clock);
  const { token } = await sessions.open('key_x', 'hash');
  const end = now + SESSION_LIFETIME_MS;
  // Each use is past the touch interval, so it is recorded, and within the idle limit of the one before.
  const step = Math.max(SESSION_TOUCH_MS, SESSION_IDLE_MS - 1);
  while (now + step < end) {
    now += step;
    expect(await sessions.resolve(token)).toBeDefined();
  }
  now = end;
  expect(await sessions.resolve(token)).toBeUndefined();
});

test('a malformed or unknown token resolves to nothing', async () => {
  const sessions = new ConsoleSessions(svc.ctx.store.db, clock);
  expect(await sessions.resolve('')).toBeUndefined();
  expect(await sessions.resolve('x'.repeat(43))).toBeUndefined();
  expect(await sessions.resolve("' or 1=1 --")).toBeUndefined();
});

test('a sign-in link works within its few minutes only', async () => {
  const links = new SignInLinks(svc.ctx.store.db, clock);
  expect(SIGN_IN_LINK_TTL_MS).toBeLessThanOrEqual(10 * 60 * 1000);
  const fresh = await links.create('key_x', 'hash');
  now += SIGN_IN_LINK_TTL_MS - 1;
  expect(await links.redeem(fresh.token)).toEqual({ keyId: 'key_x', keyHash: 'hash' });
  const late = await links.create('key_x', 'hash');
  now += SIGN_IN_LINK_TTL_MS;
  expect(await links.redeem(late.token)).toBeUndefined();
});

test('two redemptions of one link at once: exactly one signs in', async () => {
  const links = new SignInLinks(svc.ctx.store.db, clock);
  const { token } = await links.create('key_x', 'hash');
  const results = await Promise.all([links.redeem(token), links.redeem(token), links.redeem(token)]);
  expect(results.filter(Boolean)).toHaveLength(1);
});
