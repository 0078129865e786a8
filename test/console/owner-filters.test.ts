/**
 * The Owner filter of the API Keys page (console/owner-choices.ts `ownerFilters`): Anyone, Me as the signed-in
 * principal whatever its type, then each readable service account by name, mapped to the query
 * `GET /v1/api-keys` filters owners by.
 */
import type { ServiceAccount, Whoami } from '../../contract/api';
import { ownerFilters } from '../../console/owner-choices';

const me = (type: 'user' | 'service_account', id: string) =>
  ({ principal: { type, id, name: id, email: null, role: 'viewer' }, effective_role: 'viewer' }) as Whoami;
const account = (id: string, name: string, disabled = false) => ({ id, name, disabled }) as ServiceAccount;
const accounts = [account('sa_b', 'billing'), account('sa_a', 'analytics', true), account('sa_c', 'crawler')];

test('a user gets Anyone, Me as its user, then every account by name, disabled ones marked', () => {
  expect(ownerFilters(me('user', 'usr_1'), accounts)).toEqual([
    { value: '', label: 'Anyone', query: {} },
    { value: 'me', label: 'Me', query: { owner_type: 'user', owner_id: 'usr_1' } },
    { value: 'sa_a', label: 'analytics (disabled)', query: { service_account_id: 'sa_a' } },
    { value: 'sa_b', label: 'billing', query: { service_account_id: 'sa_b' } },
    { value: 'sa_c', label: 'crawler', query: { service_account_id: 'sa_c' } },
  ]);
});

test('a service account signed in is Me, and not listed again', () => {
  const choices = ownerFilters(me('service_account', 'sa_b'), accounts);
  expect(choices[1]).toEqual({ value: 'me', label: 'Me', query: { owner_type: 'service_account', owner_id: 'sa_b' } });
  expect(choices.map((c) => c.value)).toEqual(['', 'me', 'sa_a', 'sa_c']);
});

test('before the accounts are read, Anyone and Me', () => {
  expect(ownerFilters(me('user', 'usr_1'), []).map((c) => c.label)).toEqual(['Anyone', 'Me']);
});
