/**
 * The typed client for the Keyplane service API, shared by the CLI and the Terraform provider. Types come
 * from the service's own schemas (type imports only), so a changed route breaks callers at compile time.
 * @module
 */
import type { Static } from '@sinclair/typebox';
import type { AuditEvent } from '../service/audit/routes';
import type { IpAllowList } from '../service/allow-lists/routes';
import type { ApiKey, CreateApiKeyBody, CreatedApiKey, ListApiKeysQuery, UpdateApiKeyBody, VerifyBody, VerifyResponse } from '../service/keys/schemas';
import type { Whoami } from '../service/keys/verify-routes';
import type { Scope } from '../service/scopes/routes';
import type { Secret, SecretVersion, SecretVersionWithEntries, WriteVersionBody } from '../service/secrets/schemas';
import type { ServiceAccount } from '../service/service-accounts/routes';
import type { User } from '../service/users/routes';
import { Transport, type TransportOptions } from './http';

export { KeyplaneApiError, KeyplaneConnectionError, type TransportOptions as ClientOptions } from './http';
export type { ApiKey, AuditEvent, CreateApiKeyBody, CreatedApiKey, IpAllowList, Scope, Secret, SecretVersion, SecretVersionWithEntries, ServiceAccount, UpdateApiKeyBody, User, VerifyBody, VerifyResponse, WriteVersionBody };
export type WhoamiResponse = Static<typeof Whoami>;
export type Role = ApiKey['role'];

export interface Page<T> {
  items: T[];
  next_page_token: string | null;
}
export interface PageParams {
  page_size?: number;
  page_token?: string;
}

const enc = encodeURIComponent;

export class KeyplaneClient {
  private readonly t: Transport;

  constructor(options: TransportOptions) {
    this.t = new Transport(options);
  }

  close(): void {
    this.t.close();
  }

  private async page<K extends string, T>(key: K, path: string, query: object): Promise<Page<T>> {
    const res = await this.t.request<Record<K, T[]> & { next_page_token: string | null }>('GET', path, undefined, query as Record<string, unknown>);
    return { items: res[key], next_page_token: res.next_page_token };
  }

  /** Every item of a listing, following page tokens. */
  async *listAll<T, Q extends PageParams>(list: (q: Q) => Promise<Page<T>>, query: Q): AsyncGenerator<T> {
    let token: string | undefined;
    do {
      const p = await list({ ...query, page_token: token });
      yield* p.items;
      token = p.next_page_token ?? undefined;
    } while (token);
  }

  // API keys
  createApiKey = (body: CreateApiKeyBody) => this.t.request<CreatedApiKey>('POST', '/v1/api-keys', body);
  listApiKeys = (q: Static<typeof ListApiKeysQuery> = {}) => this.page<'api_keys', ApiKey>('api_keys', '/v1/api-keys', q);
  getApiKey = (id: string) => this.t.request<ApiKey>('GET', `/v1/api-keys/${enc(id)}`);
  updateApiKey = (id: string, body: UpdateApiKeyBody) => this.t.request<ApiKey>('PATCH', `/v1/api-keys/${enc(id)}`, body);
  revokeApiKey = (id: string, reason?: string) => this.t.request<ApiKey>('POST', `/v1/api-keys/${enc(id)}/revoke`, reason ? { reason } : {});
  deleteApiKey = (id: string) => this.t.request<void>('DELETE', `/v1/api-keys/${enc(id)}`);
  verify = (body: VerifyBody) => this.t.request<VerifyResponse>('POST', '/v1/keys/verify', body);
  whoami = () => this.t.request<WhoamiResponse>('GET', '/v1/whoami');

  // Service accounts
  createServiceAccount = (body: { name: string; description?: string; role?: Role }) => this.t.request<ServiceAccount>('POST', '/v1/service-accounts', body);
  listServiceAccounts = (q: PageParams & { name?: string; name_prefix?: string } = {}) => this.page<'service_accounts', ServiceAccount>('service_accounts', '/v1/service-accounts', q);
  getServiceAccount = (id: string) => this.t.request<ServiceAccount>('GET', `/v1/service-accounts/${enc(id)}`);
  updateServiceAccount = (id: string, body: { name?: string; description?: string; role?: Role; disabled?: boolean }) => this.t.request<ServiceAccount>('PATCH', `/v1/service-accounts/${enc(id)}`, body);
  deleteServiceAccount = (id: string) => this.t.request<void>('DELETE', `/v1/service-accounts/${enc(id)}`);

  // Users
  createUser = (body: { email: string; name: string; role: Role }) => this.t.request<User>('POST', '/v1/users', body);
  listUsers = (q: PageParams & { role?: Role; email?: string } = {}) => this.page<'users', User>('users', '/v1/users', q);
  getUser = (id: string) => this.t.request<User>('GET', `/v1/users/${enc(id)}`);
  updateUser = (id: string, body: { email?: string; name?: string; role?: Role; disabled?: boolean }) => this.t.request<User>('PATCH', `/v1/users/${enc(id)}`, body);
  deleteUser = (id: string) => this.t.request<void>('DELETE', `/v1/users/${enc(id)}`);

  // IP allow lists
  createAllowList = (body: { name: string; description?: string; cidrs: string[] }) => this.t.request<IpAllowList>('POST', '/v1/ip-allow-lists', body);
  listAllowLists = (q: PageParams = {}) => this.page<'ip_allow_lists', IpAllowList>('ip_allow_lists', '/v1/ip-allow-lists', q);
  getAllowList = (id: string) => this.t.request<IpAllowList>('GET', `/v1/ip-allow-lists/${enc(id)}`);
  updateAllowList = (id: string, body: { name?: string; description?: string; cidrs?: string[] }) => this.t.request<IpAllowList>('PATCH', `/v1/ip-allow-lists/${enc(id)}`, body);
  deleteAllowList = (id: string) => this.t.request<void>('DELETE', `/v1/ip-allow-lists/${enc(id)}`);

  // Scopes
  listScopes = async () => (await this.t.request<{ scopes: Scope[] }>('GET', '/v1/scopes')).scopes;
  createScope = (body: { name: string; description: string }) => this.t.request<Scope>('POST', '/v1/scopes', body);
  deleteScope = (name: string) => this.t.request<void>('DELETE', `/v1/scopes/${enc(name)}`);

  // Secret store
  createSecret = (body: { name: string; description?: string; service_account_id?: string }) => this.t.request<Secret>('POST', '/v1/secrets', body);
  listSecrets = (q: PageParams & { name?: string } = {}) => this.page<'secrets', Secret>('secrets', '/v1/secrets', q);
  getSecret = (id: string) => this.t.request<Secret>('GET', `/v1/secrets/${enc(id)}`);
  updateSecret = (id: string, body: { name?: string; description?: string }) => this.t.request<Secret>('PATCH', `/v1/secrets/${enc(id)}`, body);
  deleteSecret = (id: string) => this.t.request<void>('DELETE', `/v1/secrets/${enc(id)}`);
  listSecretVersions = async (id: string) => (await this.t.request<{ versions: SecretVersion[] }>('GET', `/v1/secrets/${enc(id)}/versions`)).versions;
  writeSecretVersion = (id: string, body: WriteVersionBody) => this.t.request<SecretVersion>('POST', `/v1/secrets/${enc(id)}/versions`, body);
  readSecretVersion = (id: string, version: number | 'latest' = 'latest') => this.t.request<SecretVersionWithEntries>('GET', `/v1/secrets/${enc(id)}/versions/${version}`);
  destroySecretVersion = (id: string, version: number) => this.t.request<SecretVersion>('POST', `/v1/secrets/${enc(id)}/versions/${version}/destroy`, {});

  // Audit
  listAuditEvents = (q: PageParams & { action?: string; actor_id?: string; key_id?: string; target_id?: string; outcome?: 'success' | 'failure'; since?: string; until?: string } = {}) =>
    this.page<'audit_events', AuditEvent>('audit_events', '/v1/audit-events', q);
}
