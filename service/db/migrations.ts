/**
 * One ordered list of migrations for SQLite and PostgreSQL, written with Kysely's schema builder using only
 * types both dialects share. Applied at every start; a migration once released is never edited.
 * @module
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

const migrations: Record<string, Migration> = {
  '0001_initial': {
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('keyplane_meta')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('service_accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('owner_type', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('display_prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('revoke_reason', 'text')
        .addColumn('last_used_at', 'text')
        .addColumn('last_used_ip', 'text')
        .execute();
      await db.schema.createIndex('api_keys_owner').on('api_keys').columns(['owner_type', 'owner_id']).execute();
      await db.schema.createIndex('api_keys_created_by').on('api_keys').column('created_by').execute();
      await db.schema
        .createTable('ip_allow_lists')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('cidrs', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_key_allow_lists')
        .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
        .addColumn('allow_list_id', 'text', (c) => c.notNull().references('ip_allow_lists.id'))
        .addPrimaryKeyConstraint('api_key_allow_lists_pk', ['key_id', 'allow_list_id'])
        .execute();
      await db.schema.createIndex('api_key_allow_lists_list').on('api_key_allow_lists').column('allow_list_id').execute();
      await db.schema
        .createTable('scopes')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('builtin', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('secrets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('owner_type', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('latest_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('secret_versions')
        .addColumn('secret_id', 'text', (c) => c.notNull().references('secrets.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('entries_sealed', 'text')
        .addColumn('entry_keys', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('destroyed_at', 'text')
        .addPrimaryKeyConstraint('secret_versions_pk', ['secret_id', 'version'])
        .execute();
      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text')
        .addColumn('actor_id', 'text')
        .addColumn('actor_key_id', 'text')
        .addColumn('target_type', 'text')
        .addColumn('target_id', 'text')
        .addColumn('address', 'text')
        .addColumn('request_id', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_time').on('audit_events').column('time').execute();
      await db.schema.createIndex('audit_events_target').on('audit_events').columns(['target_type', 'target_id']).execute();
      await db.schema.createIndex('audit_events_actor_key').on('audit_events').column('actor_key_id').execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async down(db: Kysely<any>) {
      for (const t of [
        'audit_events',
        'secret_versions',
        'secrets',
        'scopes',
        'api_key_allow_lists',
        'ip_allow_lists',
        'api_keys',
        'service_accounts',
        'users',
        'keyplane_meta',
      ]) {
        await db.schema.dropTable(t).execute();
      }
    },
  },
  '0002_last_used_claimed_ip': {
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async up(db: Kysely<any>) {
      // A verifying service's client_ip claim, kept apart from the address Keyplane saw (last_used_ip).
      await db.schema.alterTable('api_keys').addColumn('last_used_claimed_ip', 'text').execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async down(db: Kysely<any>) {
      await db.schema.alterTable('api_keys').dropColumn('last_used_claimed_ip').execute();
    },
  },
  '0003_created_by_key': {
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async up(db: Kysely<any>) {
      // The key that minted each key, so a key answers to every principal up its chain (service/keys/chain.ts).
      // Keys made before it have none: they answer to their own owner and creator, as they always did.
      await db.schema.alterTable('api_keys').addColumn('created_by_key', 'text').execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async down(db: Kysely<any>) {
      await db.schema.alterTable('api_keys').dropColumn('created_by_key').execute();
    },
  },
  '0004_service_account_owners': {
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async up(db: Kysely<any>) {
      // Who may act for a service account besides admins (service/service-accounts/stewards.ts). An account
      // made before it is owned by the user who created it, if a user did; otherwise by no one (admins only).
      await db.schema.alterTable('service_accounts').addColumn('owner_user_id', 'text').execute();
      await db
        .updateTable('service_accounts')
        .set((eb) => ({ owner_user_id: eb.ref('created_by') }))
        .where((eb) => eb('created_by', 'in', eb.selectFrom('users').select('id')))
        .execute();
      await db.schema.createIndex('service_accounts_owner').on('service_accounts').column('owner_user_id').execute();
      await db.schema
        .createTable('service_account_managers')
        .addColumn('service_account_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_account_managers_pk', ['service_account_id', 'user_id'])
        .execute();
      await db.schema.createIndex('service_account_managers_user').on('service_account_managers').column('user_id').execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async down(db: Kysely<any>) {
      await db.schema.dropTable('service_account_managers').execute();
      await db.schema.dropIndex('service_accounts_owner').execute();
      await db.schema.alterTable('service_accounts').dropColumn('owner_user_id').execute();
    },
  },
  '0005_key_rate_limits': {
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async up(db: Kysely<any>) {
      // A key's own limit on its uses per window (service/keys/rate-limit.ts); keys made before it have none.
      await db.schema.alterTable('api_keys').addColumn('rate_limit_max', 'integer').execute();
      await db.schema.alterTable('api_keys').addColumn('rate_limit_window_s', 'integer').execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async down(db: Kysely<any>) {
      await db.schema.alterTable('api_keys').dropColumn('rate_limit_window_s').execute();
      await db.schema.alterTable('api_keys').dropColumn('rate_limit_max').execute();
    },
  },
  '0006_key_delivery_and_rotation': {
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async up(db: Kysely<any>) {
      // Where the service delivered the current secret (service/keys/delivery.ts): deleting the key removes
      // that secret-store entry if it still holds this key's value.
      await db.schema.alterTable('api_keys').addColumn('delivered_secret_id', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('delivered_entry_key', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('delivered_version', 'integer').execute();
      // Rotation: the current secret's number, and the previous secret while its overlap lasts.
      await db.schema
        .alterTable('api_keys')
        .addColumn('secret_version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.alterTable('api_keys').addColumn('rotated_at', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('previous_key_hash', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('previous_display_prefix', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('previous_secret_expires_at', 'text').execute();
      await db.schema.createIndex('api_keys_previous_key_hash').on('api_keys').column('previous_key_hash').execute();
      // Idempotency-Key records: one per principal and key, with the first answer (never a plaintext secret).
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('principal_id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('api_key_id', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['principal_id', 'idempotency_key'])
        .execute();
      await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async down(db: Kysely<any>) {
      await db.schema.dropTable('idempotency_keys').execute();
      await db.schema.dropIndex('api_keys_previous_key_hash').execute();
      for (const c of [
        'previous_secret_expires_at',
        'previous_display_prefix',
        'previous_key_hash',
        'rotated_at',
        'secret_version',
        'delivered_version',
        'delivered_entry_key',
        'delivered_secret_id',
      ])
        await db.schema.alterTable('api_keys').dropColumn(c).execute();
    },
  },
  '0007_secret_entries': {
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async up(db: Kysely<any>) {
      // The secret store keeps entries, not snapshots (service/secrets/store.ts). The old sealed snapshots
      // stay in secret_snapshots until the service converts them at start (service/secrets/convert.ts):
      // opening them needs the master key, which SQL does not have.
      await db.schema.alterTable('secret_versions').renameTo('secret_snapshots').execute();
      // What each version changed; a version's entries are the secret_entries rows live at it.
      await db.schema
        .createTable('secret_versions')
        .addColumn('secret_id', 'text', (c) => c.notNull().references('secrets.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('written', 'text', (c) => c.notNull())
        .addColumn('removed', 'text', (c) => c.notNull())
        .addColumn('replaced', 'integer', (c) => c.notNull())
        .addColumn('entry_count', 'integer', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('destroyed_at', 'text')
        // Not secret_versions_pk: on PostgreSQL that index name still belongs to secret_snapshots.
        .addPrimaryKeyConstraint('secret_version_changes_pk', ['secret_id', 'version'])
        .execute();
      // One sealed value per row, live over [set_in_version, ended_in_version); ended_in_version is null while live.
      await db.schema
        .createTable('secret_entries')
        .addColumn('secret_id', 'text', (c) => c.notNull().references('secrets.id').onDelete('cascade'))
        .addColumn('entry_key', 'text', (c) => c.notNull())
        .addColumn('set_in_version', 'integer', (c) => c.notNull())
        .addColumn('ended_in_version', 'integer')
        .addColumn('value_sealed', 'text')
        .addColumn('value_bytes', 'integer', (c) => c.notNull())
        // Serves "the rows a version wrote" (destroy) and "the rows set by version N" (reading an old version).
        .addPrimaryKeyConstraint('secret_entries_pk', ['secret_id', 'set_in_version', 'entry_key'])
        .execute();
      // At most one live value per entry name; and the index every write and every read of the latest uses.
      await db.schema
        .createIndex('secret_entries_live')
        .on('secret_entries')
        .columns(['secret_id', 'entry_key'])
        .unique()
        .where(sql.ref('ended_in_version'), 'is', null)
        .execute();
      // Reading version N: the live rows set by N, then the rows that ended after N (none for the latest).
      await db.schema.createIndex('secret_entries_range').on('secret_entries').columns(['secret_id', 'ended_in_version', 'set_in_version']).execute();
      // Limits are checked against these at write, in constant time (contract/limits.ts secretEntries).
      await db.schema
        .alterTable('secrets')
        .addColumn('live_entries', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('secrets')
        .addColumn('live_bytes', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async down(db: Kysely<any>) {
      // Snapshots already converted are gone: going down keeps only those not yet converted.
      await db.schema.alterTable('secrets').dropColumn('live_bytes').execute();
      await db.schema.alterTable('secrets').dropColumn('live_entries').execute();
      await db.schema.dropTable('secret_entries').execute();
      await db.schema.dropTable('secret_versions').execute();
      await db.schema.alterTable('secret_snapshots').renameTo('secret_versions').execute();
    },
  },
  '0008_key_creation_idempotency_key': {
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async up(db: Kysely<any>) {
      // The Idempotency-Key a key was created with, kept as long as the key: a client whose create lost its
      // answer finds the key by it however late it asks (the replay records last 24 hours).
      await db.schema.alterTable('api_keys').addColumn('creation_idempotency_key', 'text').execute();
      await db.schema.createIndex('api_keys_creation_idempotency_key').on('api_keys').columns(['created_by', 'creation_idempotency_key']).execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('api_keys_creation_idempotency_key').execute();
      await db.schema.alterTable('api_keys').dropColumn('creation_idempotency_key').execute();
    },
  },
  '0009_console_sessions': {
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async up(db: Kysely<any>) {
      // Console sessions and one-time sign-in links (service/console/sessions.ts): only the SHA-256 of each
      // token is stored, with the hash of the API key secret it acts as, so every node resolves them alike.
      await db.schema
        .createTable('console_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('console_sessions_expires_at').on('console_sessions').column('expires_at').execute();
      await db.schema
        .createTable('console_sign_in_links')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('console_sign_in_links_expires_at').on('console_sign_in_links').column('expires_at').execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: a migration sees the schema of its time, not today's
    async down(db: Kysely<any>) {
      await db.schema.dropTable('console_sign_in_links').execute();
      await db.schema.dropTable('console_sessions').execute();
    },
  },
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Every migration's name, oldest first: the schema a started store has. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations).sort();

/** Brings the schema to a named version: how a test sets up the data a later migration must carry over. */
// biome-ignore lint/suspicious/noExplicitAny: as below
export async function migrateTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider: new StaticProvider() }).migrateTo(name);
  if (error) throw error;
}

/** Brings the schema to the newest version; Kysely's lock table keeps two starting nodes from racing. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against every past schema, so they are untyped (Kysely's own advice)
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
}
