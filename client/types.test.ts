/**
 * Type-level tests: the client's types are the contract's schemas (contract/api), which the service validates
 * and serialises with. `npm test` type-checks this file (tsc runs first), so a drifting schema or a wrong
 * return type fails the build; the runtime part only keeps jest happy.
 */
import type { Static } from '@sinclair/typebox';
import type { ApiKey, ErrorCode, KeyplaneApiError, KeyplaneClient, Page, SecretVersionWithEntries, UpdateApiKeyBody, VerifyResponse, Whoami } from '.';
import type { ApiKey as ContractApiKey, ListServiceAccountsQuery } from '../contract/api';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Returns<M extends keyof KeyplaneClient> = KeyplaneClient[M] extends (...args: never[]) => Promise<infer R> ? R : never;

// biome-ignore lint/suspicious/noExportsInTest: exported so tsc checks the tuple without an unused-type error
export type Checks = [
  Expect<Equal<ApiKey, Static<typeof ContractApiKey>>>,
  Expect<Equal<Parameters<KeyplaneClient['listServiceAccounts']>[0], Static<typeof ListServiceAccountsQuery> | undefined>>,
  Expect<Equal<KeyplaneApiError['code'], ErrorCode | 'http_error'>>,
  Expect<Equal<Returns<'getApiKey'>, ApiKey>>,
  Expect<Equal<Returns<'listApiKeys'>, Page<ApiKey>>>,
  Expect<Equal<Returns<'verify'>, VerifyResponse>>,
  Expect<Equal<Returns<'whoami'>, Whoami>>,
  Expect<Equal<Returns<'readSecretVersion'>, SecretVersionWithEntries>>,
  Expect<Equal<ApiKey['status'], 'active' | 'revoked' | 'expired'>>,
  Expect<Equal<Whoami['principal']['type'], 'user' | 'service_account'>>,
];

test('request bodies accept what the service accepts and reject what it does not', () => {
  const clears: UpdateApiKeyBody = { expires_at: null, scopes: [] };
  // @ts-expect-error the service has no `owner` field on updates; a typo must not compile
  const typo: UpdateApiKeyBody = { owner: 'usr_1' };
  // @ts-expect-error `secret` is never part of an ApiKey: only CreatedApiKey carries it
  const leak: ApiKey['secret'] = 'kp_x';
  expect([clears, typo, leak]).toHaveLength(3);
});
