/**
 * Row types of the store, shared by SQLite and PostgreSQL. Both dialects hold the same column types so one
 * set of migrations serves both: times are RFC 3339 UTC text (sortable), booleans are 0/1 integers, lists
 * and maps are JSON text.
 * @module
 */

import type { OwnerType } from '../../contract/owners';
import type { Role } from '../../contract/roles';

export type { OwnerType, Role };

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface ServiceAccountsTable {
  id: string;
  name: string;
  description: string;
  role: Role;
  disabled: number;
  /** A user; null once that user is deleted (admins only, then). */
  owner_user_id: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ServiceAccountManagersTable {
  service_account_id: string;
  user_id: string;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  description: string;
  owner_type: OwnerType;
  owner_id: string;
  created_by: string;
  role: Role;
  scopes: string; // JSON string[]
  labels: string; // JSON Record<string, string>
  expires_at: string | null;
  key_hash: string;
  display_prefix: string;
  created_at: string;
  updated_at: string;
  revoked_at: string | null;
  revoke_reason: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  last_used_claimed_ip: string | null;
  /** The key that minted this one; null for keys made from the store itself (init, recover-admin). */
  created_by_key: string | null;
  /** The key's own rate limit, both set or both null (service/keys/rate-limit.ts). */
  rate_limit_max: number | null;
  rate_limit_window_s: number | null;
  /** Where the service delivered the current secret, when it went to the secret store (service/keys/delivery.ts). */
  delivered_secret_id: string | null;
  delivered_entry_key: string | null;
  delivered_version: number | null;
  /** 1 at creation; each rotation adds 1. */
  secret_version: number;
  rotated_at: string | null;
  /** The previous secret's hash and prefix while it still works, until previous_secret_expires_at. */
  previous_key_hash: string | null;
  previous_display_prefix: string | null;
  previous_secret_expires_at: string | null;
  /** The Idempotency-Key of the request that created the key, if it sent one (service/keys/idempotency.ts). */
  creation_idempotency_key?: string | null;
}

export interface ApiKeyAllowListsTable {
  key_id: string;
  allow_list_id: string;
}

export interface IpAllowListsTable {
  id: string;
  name: string;
  description: string;
  cidrs: string; // JSON string[], normalised
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ScopesTable {
  name: string;
  description: string;
  builtin: number;
  created_at: string;
}

export interface SecretsTable {
  id: string;
  name: string;
  description: string;
  owner_type: OwnerType;
  owner_id: string;
  created_by: string;
  latest_version: number;
  /** Entries live at the latest version, and the UTF-8 bytes of their names and values (destroyed values count 0). */
  live_entries: number;
  live_bytes: number;
  created_at: string;
  updated_at: string;
}

/** What one version changed (service/secrets/store.ts); its entries are the secret_entries rows live at it. */
export interface SecretVersionsTable {
  secret_id: string;
  version: number;
  written: string; // JSON string[]: entry names this version set
  removed: string; // JSON string[]: live entry names this version removed
  replaced: number; // 1 when the write started from no entries
  entry_count: number;
  created_by: string;
  created_at: string;
  destroyed_at: string | null;
}

/** One entry value, live over versions [set_in_version, ended_in_version); ended_in_version null while live. */
export interface SecretEntriesTable {
  secret_id: string;
  entry_key: string;
  set_in_version: number;
  ended_in_version: number | null;
  value_sealed: string | null; // null once the version that set it is destroyed
  value_bytes: number; // UTF-8 bytes of the value; 0 once destroyed
}

/** Snapshots written before entries (migration 0007), kept until converted at start (service/secrets/convert.ts). */
export interface SecretSnapshotsTable {
  secret_id: string;
  version: number;
  entries_sealed: string | null; // null once destroyed
  entry_keys: string; // JSON string[]
  created_by: string;
  created_at: string;
  destroyed_at: string | null;
}

export interface AuditEventsTable {
  id: string;
  time: string;
  action: string;
  outcome: 'success' | 'failure';
  actor_type: string | null;
  actor_id: string | null;
  actor_key_id: string | null;
  target_type: string | null;
  target_id: string | null;
  address: string | null;
  request_id: string | null;
  details: string; // JSON, never a secret
}

export interface MetaTable {
  name: string;
  value: string;
}

/** An `Idempotency-Key` and the first answer it got (without any plaintext secret). */
export interface IdempotencyKeysTable {
  principal_id: string;
  idempotency_key: string;
  /** SHA-256 of the route, target and body: a repeat must be the same request. */
  request_hash: string;
  api_key_id: string;
  status: number;
  response: string; // JSON of the answer, `secret` removed
  created_at: string;
}

/** A console session (service/console/sessions.ts): it acts as the key whose secret hashes to key_hash. */
export interface ConsoleSessionsTable {
  id: string;
  /** SHA-256 (base64url) of the session token the browser holds in its cookie. */
  token_hash: string;
  key_id: string;
  /** The stored hash of the secret that signed in (api_keys.key_hash or previous_key_hash at the time). */
  key_hash: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A one-time sign-in link, spent by its first use (service/console/sign-in-links.ts). */
export interface ConsoleSignInLinksTable {
  token_hash: string;
  key_id: string;
  key_hash: string;
  created_at: string;
  expires_at: string;
}

export interface Database {
  users: UsersTable;
  service_accounts: ServiceAccountsTable;
  service_account_managers: ServiceAccountManagersTable;
  api_keys: ApiKeysTable;
  api_key_allow_lists: ApiKeyAllowListsTable;
  ip_allow_lists: IpAllowListsTable;
  scopes: ScopesTable;
  secrets: SecretsTable;
  secret_versions: SecretVersionsTable;
  secret_entries: SecretEntriesTable;
  secret_snapshots: SecretSnapshotsTable;
  audit_events: AuditEventsTable;
  idempotency_keys: IdempotencyKeysTable;
  keyplane_meta: MetaTable;
  console_sessions: ConsoleSessionsTable;
  console_sign_in_links: ConsoleSignInLinksTable;
}
