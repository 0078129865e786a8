/**
 * The typed client for the Keyplane service API, the only code that speaks HTTP to the service; the CLI and
 * the Terraform provider both use it.
 *
 * @example
 * const client = new KeyplaneClient({ endpoint: 'http://127.0.0.1:7420', apiKey: process.env.KEYPLANE_API_KEY });
 * const { api_key, secret } = await client.createApiKey({ name: 'ci', scopes: ['billing.read'] });
 * for await (const key of client.listAll(client.listApiKeys, { status: 'active' })) console.log(key.id);
 * @module
 */
import { Transport, type TransportOptions } from './http';
import type {
  AllowListList,
  ConsoleSignInLink,
  ApiKey,
  ApiKeyList,
  AuditEvent,
  AuditEventList,
  CreateAllowListBody,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateScopeBody,
  CreateSecretBody,
  CreateServiceAccountBody,
  CreateUserBody,
  IpAllowList,
  ListAllowListsQuery,
  ListApiKeysQuery,
  ListAuditEventsQuery,
  ListSecretsQuery,
  ListServiceAccountsQuery,
  ListUsersQuery,
  Page,
  PageParams,
  RevokeApiKeyBody,
  RotateApiKeyBody,
  Scope,
  ScopeList,
  Secret,
  SecretList,
  SecretVersion,
  SecretVersionList,
  ListSecretVersionsQuery,
  DestroyedSecretVersion,
  SecretVersionWithEntries,
  ServiceAccount,
  ServiceAccountList,
  UpdateAllowListBody,
  UpdateApiKeyBody,
  UpdateSecretBody,
  UpdateServiceAccountBody,
  UpdateUserBody,
  User,
  UserList,
  VerifyBody,
  VerifyResponse,
  Whoami,
  WriteVersionBody,
} from './types';

export { KeyplaneApiError, KeyplaneConnectionError, type ApiErrorDetails } from './errors';
export type { TransportOptions as KeyplaneClientOptions, QueryValue } from './http';
export type * from './types';

const seg = encodeURIComponent;

type ItemOf<A> = A extends readonly (infer T)[] ? T : never;

export class KeyplaneClient {
  readonly #t: Transport;

  constructor(options: TransportOptions) {
    this.#t = new Transport(options);
  }

  /** The endpoint's origin, for messages (never the key). */
  get origin(): string {
    return this.#t.origin;
  }

  /** Closes pooled connections. Optional: idle connections never keep a process alive. */
  close(): void {
    this.#t.close();
  }

  /**
   * Every item of a listing, page after page, following `next_page_token`. `list` is one of this client's
   * list methods (called on this client) or any function returning a `Page`.
   * @example
   * for await (const key of client.listAll(client.listApiKeys, { label: ['team=platform'] })) …
   */
  async *listAll<T, Q extends PageParams>(list: (query: Q) => Promise<Page<T>>, query: Q = {} as Q): AsyncGenerator<T, void, undefined> {
    let token = query.page_token;
    const seen = new Set<string>();
    for (;;) {
      const page = await list.call(this, { ...query, page_token: token });
      yield* page.items;
      if (!page.next_page_token) return;
      // A token seen before would loop forever; the service never sends one, so this is a loud bug.
      if (seen.has(page.next_page_token)) throw new Error(`the service returned page token ${page.next_page_token} twice`);
      seen.add(page.next_page_token);
      token = page.next_page_token;
    }
  }

  /** `GET /healthz` (no authentication). */
  health(): Promise<{ status: string }> {
    return this.#t.request({ method: 'GET', path: '/healthz' });
  }

  // --- API keys: /v1/api-keys -------------------------------------------------------------------------

  /** Creates a key. The answer holds its `secret`, which the service never returns again. */
  /**
   * Creates a key. With an `idempotencyKey` the request is safe to resend: the client retries a lost answer
   * with the same key, and the service answers a repeat with the first key (`replayed: true`, no `secret`).
   */
  createApiKey(body: CreateApiKeyBody, options: IdempotencyOptions = {}): Promise<CreatedApiKey> {
    return this.#t.request({ method: 'POST', path: '/v1/api-keys', body, ...idempotency(options) });
  }

  /** Gives the key a new secret, delivered as `body.delivery` says; the previous one works for `overlap_seconds`. */
  rotateApiKey(id: string, body: RotateApiKeyBody = {}, options: IdempotencyOptions = {}): Promise<CreatedApiKey> {
    return this.#t.request({ method: 'POST', path: `/v1/api-keys/${seg(id)}/rotate`, body: definedOnly(body), ...idempotency(options) });
  }

  /** `label` filters are `KEY=VALUE` strings; several must all match. */
  listApiKeys(query: ListApiKeysQuery = {}): Promise<Page<ApiKey>> {
    return this.page<ApiKeyList, 'api_keys'>('api_keys', '/v1/api-keys', query);
  }

  getApiKey(id: string): Promise<ApiKey> {
    return this.#t.request({ method: 'GET', path: `/v1/api-keys/${seg(id)}` });
  }

  /** Changes only the fields present in `body` (PATCH); an absent field keeps its value, `expires_at: null` removes the expiry. */
  updateApiKey(id: string, body: UpdateApiKeyBody): Promise<ApiKey> {
    return this.#t.request({ method: 'PATCH', path: `/v1/api-keys/${seg(id)}`, body: definedOnly(body) });
  }

  /** Revokes a key at once. Revoking twice keeps the first time and reason, so a retry is harmless. */
  revokeApiKey(id: string, body: RevokeApiKeyBody = {}): Promise<ApiKey> {
    return this.#t.request({ method: 'POST', path: `/v1/api-keys/${seg(id)}/revoke`, body: definedOnly(body), idempotent: true });
  }

  /** Deletes a key and its tombstone. */
  async deleteApiKey(id: string): Promise<void> {
    await this.#t.request({ method: 'DELETE', path: `/v1/api-keys/${seg(id)}` });
  }

  /** `POST /v1/keys/verify`: a failed verification is `valid: false` with a reason, not an error. */
  verify(body: VerifyBody): Promise<VerifyResponse> {
    return this.#t.request({ method: 'POST', path: '/v1/keys/verify', body, idempotent: true });
  }

  /** The calling key and the principal it acts for. */
  whoami(): Promise<Whoami> {
    return this.#t.request({ method: 'GET', path: '/v1/whoami' });
  }

  // --- The web console: /v1/console -----------------------------------------------------------------------

  /**
   * A one-time link that signs a browser into the web console as this client's key; `path` is relative to
   * the endpoint and works once, within minutes (service/console/sign-in-link-routes.ts).
   */
  createConsoleSignInLink(): Promise<ConsoleSignInLink> {
    return this.#t.request({ method: 'POST', path: '/v1/console/sign-in-links', body: {} });
  }

  // --- Service accounts: /v1/service-accounts -------------------------------------------------------------

  createServiceAccount(body: CreateServiceAccountBody): Promise<ServiceAccount> {
    return this.#t.request({ method: 'POST', path: '/v1/service-accounts', body });
  }

  listServiceAccounts(query: ListServiceAccountsQuery = {}): Promise<Page<ServiceAccount>> {
    return this.page<ServiceAccountList, 'service_accounts'>('service_accounts', '/v1/service-accounts', query);
  }

  /** The service account named `name` (names are unique), or undefined when there is none. */
  async findServiceAccountByName(name: string): Promise<ServiceAccount | undefined> {
    return (await this.listServiceAccounts({ name, page_size: 1 })).items.find((s) => s.name === name);
  }

  getServiceAccount(id: string): Promise<ServiceAccount> {
    return this.#t.request({ method: 'GET', path: `/v1/service-accounts/${seg(id)}` });
  }

  updateServiceAccount(id: string, body: UpdateServiceAccountBody): Promise<ServiceAccount> {
    return this.#t.request({ method: 'PATCH', path: `/v1/service-accounts/${seg(id)}`, body: definedOnly(body) });
  }

  /** Deletes the account and revokes its keys (reason `owner_deleted`). */
  async deleteServiceAccount(id: string): Promise<void> {
    await this.#t.request({ method: 'DELETE', path: `/v1/service-accounts/${seg(id)}` });
  }

  // --- Users: /v1/users -----------------------------------------------------------------------------------

  createUser(body: CreateUserBody): Promise<User> {
    return this.#t.request({ method: 'POST', path: '/v1/users', body });
  }

  listUsers(query: ListUsersQuery = {}): Promise<Page<User>> {
    return this.page<UserList, 'users'>('users', '/v1/users', query);
  }

  getUser(id: string): Promise<User> {
    return this.#t.request({ method: 'GET', path: `/v1/users/${seg(id)}` });
  }

  updateUser(id: string, body: UpdateUserBody): Promise<User> {
    return this.#t.request({ method: 'PATCH', path: `/v1/users/${seg(id)}`, body: definedOnly(body) });
  }

  /** Deletes the user and revokes every key they own or created. */
  async deleteUser(id: string): Promise<void> {
    await this.#t.request({ method: 'DELETE', path: `/v1/users/${seg(id)}` });
  }

  // --- IP allow lists: /v1/ip-allow-lists -----------------------------------------------------------------

  createAllowList(body: CreateAllowListBody): Promise<IpAllowList> {
    return this.#t.request({ method: 'POST', path: '/v1/ip-allow-lists', body });
  }

  listAllowLists(query: ListAllowListsQuery = {}): Promise<Page<IpAllowList>> {
    return this.page<AllowListList, 'ip_allow_lists'>('ip_allow_lists', '/v1/ip-allow-lists', query);
  }

  getAllowList(id: string): Promise<IpAllowList> {
    return this.#t.request({ method: 'GET', path: `/v1/ip-allow-lists/${seg(id)}` });
  }

  /** `cidrs`, when given, replaces the whole list; attached keys follow at once. */
  updateAllowList(id: string, body: UpdateAllowListBody): Promise<IpAllowList> {
    return this.#t.request({ method: 'PATCH', path: `/v1/ip-allow-lists/${seg(id)}`, body: definedOnly(body) });
  }

  /** Fails with 409 `conflict` while a live key uses the list. */
  async deleteAllowList(id: string): Promise<void> {
    await this.#t.request({ method: 'DELETE', path: `/v1/ip-allow-lists/${seg(id)}` });
  }

  // --- Scopes: /v1/scopes ---------------------------------------------------------------------------------

  /** The whole catalogue (it is not paged). */
  async listScopes(): Promise<Scope[]> {
    return (await this.#t.request<ScopeList>({ method: 'GET', path: '/v1/scopes' })).scopes;
  }

  createScope(body: CreateScopeBody): Promise<Scope> {
    return this.#t.request({ method: 'POST', path: '/v1/scopes', body });
  }

  async deleteScope(name: string): Promise<void> {
    await this.#t.request({ method: 'DELETE', path: `/v1/scopes/${seg(name)}` });
  }

  // --- Secret store: /v1/secrets --------------------------------------------------------------------------

  createSecret(body: CreateSecretBody): Promise<Secret> {
    return this.#t.request({ method: 'POST', path: '/v1/secrets', body });
  }

  listSecrets(query: ListSecretsQuery = {}): Promise<Page<Secret>> {
    return this.page<SecretList, 'secrets'>('secrets', '/v1/secrets', query);
  }

  getSecret(id: string): Promise<Secret> {
    return this.#t.request({ method: 'GET', path: `/v1/secrets/${seg(id)}` });
  }

  updateSecret(id: string, body: UpdateSecretBody): Promise<Secret> {
    return this.#t.request({ method: 'PATCH', path: `/v1/secrets/${seg(id)}`, body: definedOnly(body) });
  }

  /** Deletes the secret and every version. */
  async deleteSecret(id: string): Promise<void> {
    await this.#t.request({ method: 'DELETE', path: `/v1/secrets/${seg(id)}` });
  }

  /** Versions newest first: what each changed, without entry values. */
  listSecretVersions(id: string, query: ListSecretVersionsQuery = {}): Promise<Page<SecretVersion>> {
    return this.page<SecretVersionList, 'versions'>('versions', `/v1/secrets/${seg(id)}/versions`, query);
  }

  /**
   * Writes a new version: `entries` are set over the latest version's (unless `replace`), `remove_entries`
   * are dropped, and `expected_version` makes the write check-and-set (409 `version_mismatch` otherwise).
   * Not retried after it may have reached the service: a second write would be a second version.
   */
  writeSecretVersion(id: string, body: WriteVersionBody): Promise<SecretVersion> {
    return this.#t.request({ method: 'POST', path: `/v1/secrets/${seg(id)}/versions`, body: definedOnly(body) });
  }

  /** A version with its entries: the latest by default, or version `n` (destroyed values: `destroyed_entries`). */
  readSecretVersion(id: string, version: number | 'latest' = 'latest'): Promise<SecretVersionWithEntries> {
    return this.#t.request({ method: 'GET', path: `/v1/secrets/${seg(id)}/versions/${version === 'latest' ? 'latest' : seg(String(version))}` });
  }

  /** Erases the values a version wrote, for good; destroying it again is a no-op, so a retry is harmless. */
  destroySecretVersion(id: string, version: number): Promise<DestroyedSecretVersion> {
    return this.#t.request({ method: 'POST', path: `/v1/secrets/${seg(id)}/versions/${seg(String(version))}/destroy`, idempotent: true });
  }

  // --- Audit log: /v1/audit-events ------------------------------------------------------------------------

  /** Newest first. */
  listAuditEvents(query: ListAuditEventsQuery = {}): Promise<Page<AuditEvent>> {
    return this.page<AuditEventList, 'audit_events'>('audit_events', '/v1/audit-events', query);
  }

  /** One page of a listing whose answer (`L`, from the contract) holds its items under `key`. */
  private async page<L extends { next_page_token: string | null }, K extends Exclude<keyof L, 'next_page_token'>>(
    key: K,
    path: string,
    query: object,
  ): Promise<Page<ItemOf<L[K]>>> {
    const res = await this.#t.request<L>({ method: 'GET', path, query: query as Record<string, string> });
    return { items: res[key] as ItemOf<L[K]>[], next_page_token: res.next_page_token };
  }
}

/** Drops undefined fields, so a PATCH sends exactly the fields the caller set (null stays: it clears). */
function definedOnly<T extends object>(body: T): T {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as T;
}

export interface IdempotencyOptions {
  /** Sent as `Idempotency-Key`: the same key and body within the service's window make one key, never two. */
  idempotencyKey?: string;
}

function idempotency(options: IdempotencyOptions): { headers?: Record<string, string>; idempotent?: boolean } {
  return options.idempotencyKey === undefined ? {} : { headers: { 'idempotency-key': options.idempotencyKey }, idempotent: true };
}

/**
 * The plaintext secret of a create or rotation whose secret was delivered in the response. It is absent when
 * the secret went to the secret store or a PGP key, and in a replayed answer: that is an error here, since
 * the caller counted on holding the secret.
 */
export function plaintextSecret(created: CreatedApiKey): string {
  if (created.secret !== undefined) return created.secret;
  throw new Error(
    created.replayed
      ? `key ${created.api_key.id} was created by an earlier request with this Idempotency-Key; its secret was shown then and is not shown again`
      : `key ${created.api_key.id}'s secret was delivered to ${created.delivery.mode}, not returned`,
  );
}
