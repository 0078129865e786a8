import type { KeyplaneClient } from '../../client';
import { PlanLookups } from './plan-lookups';

/** A client answering from `catalogue` (changeable between calls), counting the requests it got. */
function fakeClient(catalogue: string[]) {
  const calls = { scopes: 0, secrets: 0 };
  let failNext = false;
  const client = {
    listScopes: async () => {
      calls.scopes++;
      await new Promise((r) => setTimeout(r, 5));
      if (failNext) {
        failNext = false;
        throw new Error('unavailable');
      }
      return catalogue.map((name) => ({ name }));
    },
    getSecret: async (id: string) => {
      calls.secrets++;
      if (id === 'missing') throw Object.assign(new Error('not found'), { status: 404 });
      return { id, name: id, caller_can_write: true };
    },
  } as unknown as KeyplaneClient;
  return { client, calls, failOnce: () => (failNext = true) };
}

test('concurrent plans share one scope-catalogue request, and later ones reuse it', async () => {
  const { client, calls } = fakeClient(['billing.read', 'billing.write']);
  const lookups = new PlanLookups(client);
  const answers = await Promise.all(Array.from({ length: 50 }, () => lookups.missingScopes(['billing.read'])));
  expect(answers.every((a) => a.length === 0)).toBe(true);
  expect(await lookups.missingScopes(['billing.write'])).toEqual([]);
  expect(calls.scopes).toBe(1);
});

test('a scope missing from the kept catalogue is looked up again before it is called unknown', async () => {
  const catalogue = ['billing.read'];
  const { client, calls } = fakeClient(catalogue);
  const lookups = new PlanLookups(client);
  expect(await lookups.missingScopes(['billing.read'])).toEqual([]);
  catalogue.push('made.meanwhile');
  expect(await lookups.missingScopes(['made.meanwhile'])).toEqual([]);
  expect(await lookups.missingScopes(['nowhere', 'billing.read'])).toEqual(['nowhere']);
  expect(calls.scopes).toBe(3);
});

test('a failed lookup fails the calls waiting for it only', async () => {
  const { client, calls, failOnce } = fakeClient(['billing.read']);
  const lookups = new PlanLookups(client);
  failOnce();
  await expect(lookups.missingScopes(['billing.read'])).rejects.toThrow('unavailable');
  expect(await lookups.missingScopes(['billing.read'])).toEqual([]);
  expect(calls.scopes).toBe(2);
});

test('a secret is looked up once for the calls waiting together, and again for a later call (its permissions may change)', async () => {
  const { client, calls } = fakeClient([]);
  const lookups = new PlanLookups(client);
  await Promise.all([lookups.secret('s1'), lookups.secret('s1'), lookups.secret('s1')]);
  expect(calls.secrets).toBe(1);
  await lookups.secret('s1');
  expect(calls.secrets).toBe(2);
  await expect(lookups.secret('missing')).rejects.toThrow('not found');
  await expect(lookups.secret('missing')).rejects.toThrow('not found');
  expect(calls.secrets).toBe(4);
});

test('an allow list found is kept; a missing one is asked again', async () => {
  let lists = 0;
  const client = {
    getAllowList: async (id: string) => {
      lists++;
      if (id === 'missing') throw new Error('not found');
      return { id };
    },
  } as unknown as KeyplaneClient;
  const lookups = new PlanLookups(client);
  await Promise.all([lookups.allowList('a'), lookups.allowList('a')]);
  await lookups.allowList('a');
  expect(lists).toBe(1);
  await expect(lookups.allowList('missing')).rejects.toThrow('not found');
  await expect(lookups.allowList('missing')).rejects.toThrow('not found');
  expect(lists).toBe(3);
});
