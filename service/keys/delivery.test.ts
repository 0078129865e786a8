/**
 * Where POST /v1/api-keys delivers a new secret, on SQLite and PostgreSQL: encrypted by the service to an
 * OpenPGP key (only the message comes back; a bad key is a 400 naming delivery.pgp_public_key before any key
 * exists), or written to a secret-store entry in the key's own transaction (a failure after the key row leaves
 * neither the key nor the entry), and recorded on the key so that deleting it can remove the entry.
 */
import * as openpgp from 'openpgp';
import { sql } from 'kysely';
import { LIMITS } from '../../contract/limits';
import { pgpDecrypt, pgpKeyPair } from '../../test/helpers/pgp';
import { describePostgres, describeSqlite } from '../../test/helpers/postgres';
import { startTestService, startTestServiceOnPostgres, type TestService } from '../../test/helpers/service';

const CREATE = '/v1/api-keys';

function tests(start: () => Promise<TestService>) {
  let svc: TestService;
  beforeAll(async () => {
    svc = await start();
  }, 120_000);
  afterAll(() => svc?.close());

  const keysNamed = async (name: string) =>
    (await svc.call('GET', `${CREATE}?page_size=200&name_prefix=${encodeURIComponent(name)}`)).body.api_keys.filter((k: { name: string }) => k.name === name);
  const authenticates = async (secret: string) => (await svc.call('GET', '/v1/whoami', undefined, secret)).status === 200;
  const newSecret = async (name: string, key?: string) => (await svc.call('POST', '/v1/secrets', { name }, key)).body.id as string;
  const latest = async (id: string) => (await svc.call('GET', `/v1/secrets/${id}/versions/latest`)).body;

  describe('PGP', () => {
    test('the answer holds only the message, which decrypts to a key that works', async () => {
      const { publicKey, privateKey } = await pgpKeyPair();
      const res = await svc.call('POST', CREATE, { name: 'pgp-ok', delivery: { pgp_public_key: publicKey } });
      expect(res.status).toBe(201);
      expect(res.body).not.toHaveProperty('secret');
      expect(res.body.delivery.mode).toBe('pgp');
      expect(res.body.delivery.pgp.encrypted_secret).toMatch(/^-----BEGIN PGP MESSAGE-----/);
      expect(res.body.delivery.pgp.key_fingerprint).toBe((await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase());
      const secret = await pgpDecrypt(res.body.delivery.pgp.encrypted_secret, privateKey);
      expect(await authenticates(secret)).toBe(true);
      expect(secret.startsWith(res.body.api_key.display_prefix.slice(0, 6))).toBe(true);
      const row = await svc.ctx.store.db.selectFrom('api_keys').selectAll().where('id', '=', res.body.api_key.id).executeTakeFirstOrThrow();
      expect([row.delivered_secret_id, row.delivered_entry_key, row.delivered_version]).toEqual([null, null, null]);
    });

    test('base64 of the binary key works too', async () => {
      const { publicKey, privateKey } = await pgpKeyPair();
      const binary = Buffer.from((await openpgp.readKey({ armoredKey: publicKey })).write()).toString('base64');
      const res = await svc.call('POST', CREATE, { name: 'pgp-binary', delivery: { pgp_public_key: binary } });
      expect(res.status).toBe(201);
      expect(await authenticates(await pgpDecrypt(res.body.delivery.pgp.encrypted_secret, privateKey))).toBe(true);
    });

    test.each([
      ['not a key', async () => 'not a key!', /neither an ASCII-armored public key nor base64|is neither/],
      [
        'a corrupt key',
        async () => {
          const lines = (await pgpKeyPair()).publicKey.split('\n');
          const body = lines.indexOf('') + 2;
          return [...lines.slice(0, body), ...lines.slice(body + 2)].join('\n');
        },
        /could not be read as an OpenPGP public key/,
      ],
      ['two keys', async () => (await pgpKeyPair()).publicKey + (await pgpKeyPair()).publicKey, /holds 2 keys/],
      ['signing-only', async () => (await pgpKeyPair({ subkeys: [] })).publicKey, /no valid encryption-capable key/],
      ['expired', async () => (await pgpKeyPair({ date: new Date(Date.now() - 10 * 86400_000), keyExpirationTime: 86400 })).publicKey, /expired at/],
      ['a private key', async () => (await pgpKeyPair()).privateKey, /holds a private key/],
    ])('a key that is %s is a 400 naming delivery.pgp_public_key, and no key is made', async (what, make, reason) => {
      const name = `pgp-bad-${what.replace(/ /g, '-')}`;
      const res = await svc.call('POST', CREATE, { name, delivery: { pgp_public_key: await make() } });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('delivery.pgp_public_key');
      expect(res.body.error.message).toMatch(/^delivery\.pgp_public_key /);
      expect(res.body.error.message).toMatch(reason);
      expect(await keysNamed(name)).toEqual([]);
    });

    test('secret_store and pgp_public_key together are a 400 naming delivery', async () => {
      const { publicKey } = await pgpKeyPair();
      const id = await newSecret('both-modes');
      const res = await svc.call('POST', CREATE, { name: 'both', delivery: { pgp_public_key: publicKey, secret_store: { secret_id: id } } });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('delivery');
      expect(await keysNamed('both')).toEqual([]);
    });
  });

  describe('secret store', () => {
    test('the entry holds a key that works; the answer and the key row say where it went', async () => {
      const id = await newSecret('store-ok');
      const res = await svc.call('POST', CREATE, { name: 'store-ok', delivery: { secret_store: { secret_id: id } } });
      expect(res.status).toBe(201);
      expect(res.body).not.toHaveProperty('secret');
      expect(res.body.delivery).toEqual({ mode: 'secret_store', secret_store: { secret_id: id, entry_key: 'api_key', version: 1 } });
      const entries = (await latest(id)).entries;
      expect(Object.keys(entries)).toEqual(['api_key']);
      expect(await authenticates(entries.api_key)).toBe(true);
      const row = await svc.ctx.store.db.selectFrom('api_keys').selectAll().where('id', '=', res.body.api_key.id).executeTakeFirstOrThrow();
      expect([row.delivered_secret_id, row.delivered_entry_key, row.delivered_version]).toEqual([id, 'api_key', 1]);
    });

    test('a secret the caller may not write is a 403 naming the field, and no key is made', async () => {
      const id = await newSecret('store-not-mine');
      const dev = await svc.person('developer');
      const res = await svc.call('POST', CREATE, { name: 'store-403', delivery: { secret_store: { secret_id: id, entry_key: 'k' } } }, dev.key);
      expect(res.status).toBe(403);
      expect(res.body.error.field).toBe('delivery.secret_store.secret_id');
      expect(await keysNamed('store-403')).toEqual([]);
    });

    test('a secret that does not exist is a 404, and no key is made', async () => {
      const res = await svc.call('POST', CREATE, { name: 'store-404', delivery: { secret_store: { secret_id: 'sec_0000000000000000000a' } } });
      expect(res.status).toBe(404);
      expect(res.body.error.field).toBe('delivery.secret_store.secret_id');
      expect(await keysNamed('store-404')).toEqual([]);
    });

    test('a failure after the key row and the entry were written leaves neither (nor their audit events)', async () => {
      const id = await newSecret('store-fault');
      await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { other: 'kept' } });
      // A real fault in the real database: the key's last statement in its transaction (recording where the
      // secret went, after the key row and the entry) fails.
      await injectFault(svc, true);
      try {
        const res = await svc.call('POST', CREATE, { name: 'store-fault', delivery: { secret_store: { secret_id: id, entry_key: 'mine' } } });
        expect(res.status).toBe(500);
      } finally {
        await injectFault(svc, false);
      }
      expect(await keysNamed('store-fault')).toEqual([]);
      expect(await latest(id)).toMatchObject({ version: 1, entries: { other: 'kept' } });
      const audit = await svc.ctx.store.db
        .selectFrom('audit_events')
        .select(['action', 'details'])
        .where('action', 'in', ['api_key.create', 'secret.version.create'])
        .execute();
      expect(audit.filter((e) => e.details.includes('store-fault') || (e.details.includes('mine') && e.action === 'secret.version.create'))).toEqual([]);
      // And without the fault the same request works.
      const ok = await svc.call('POST', CREATE, { name: 'store-fault', delivery: { secret_store: { secret_id: id, entry_key: 'mine' } } });
      expect(ok.status).toBe(201);
      expect((await latest(id)).entries).toEqual({ other: 'kept', mine: expect.stringMatching(/^kp_/) });
    });

    test('a secret already holding as many entries as it may is a 400 naming delivery.secret_store, and no key is made', async () => {
      const id = await newSecret('store-full');
      const { perSecret, perWrite } = LIMITS.secretEntries;
      for (let i = 0; i < perSecret; i += perWrite) {
        const entries = Object.fromEntries(Array.from({ length: Math.min(perWrite, perSecret - i) }, (_, j) => [`e${i + j}`, 'v']));
        expect((await svc.call('POST', `/v1/secrets/${id}/versions`, { entries })).status).toBe(201);
      }
      const before = (await latest(id)).version;
      const res = await svc.call('POST', CREATE, { name: 'store-full', delivery: { secret_store: { secret_id: id } } });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('delivery.secret_store');
      expect(res.body.error.message).toMatch(new RegExp(`at most ${perSecret} entries`));
      expect(await keysNamed('store-full')).toEqual([]);
      expect((await latest(id)).version).toBe(before);
    });
  });

  describe('deleting a key removes the entry its secret was delivered to', () => {
    const createTo = async (name: string, secretId: string, entryKey?: string, extra: Record<string, unknown> = {}) => {
      const res = await svc.call('POST', CREATE, {
        name,
        ...extra,
        delivery: { secret_store: { secret_id: secretId, ...(entryKey ? { entry_key: entryKey } : {}) } },
      });
      expect(res.status).toBe(201);
      return res.body as { api_key: { id: string }; delivery: { secret_store: { version: number } } };
    };
    const del = (id: string, key?: string) => svc.request({ method: 'DELETE', url: `${CREATE}/${id}`, ...(key ? { key } : {}) });
    const deleteAudit = async (id: string) =>
      JSON.parse(
        (
          await svc.ctx.store.db
            .selectFrom('audit_events')
            .select('details')
            .where('action', '=', 'api_key.delete')
            .where('target_id', '=', id)
            .executeTakeFirstOrThrow()
        ).details,
      );

    test('of keys sharing a secret, deleting one leaves the others and hand-written entries readable', async () => {
      const id = await newSecret('shared');
      await svc.call('POST', `/v1/secrets/${id}/versions`, { entries: { by_hand: 'x' } });
      const a = await createTo('shared-a', id, 'a');
      const b = await createTo('shared-b', id, 'b');
      const res = await del(a.api_key.id);
      expect(res.status).toBe(204);
      const after = await latest(id);
      expect(Object.keys(after.entries).sort()).toEqual(['b', 'by_hand']);
      expect(await authenticates(after.entries.b)).toBe(true);
      expect(res.headers['keyplane-delivered-entry']).toBe(`removed; secret=${id}; entry=a; version=${after.version}`);
      expect((await deleteAudit(a.api_key.id)).delivered_entry).toEqual({
        secret_id: id,
        entry_key: 'a',
        delivered_version: a.delivery.secret_store.version,
        outcome: 'removed',
        version: after.version,
      });
      expect((await del(b.api_key.id)).status).toBe(204);
      expect((await latest(id)).entries).toEqual({ by_hand: 'x' });
    });

    test('an entry written since by a replacement key stays when the old key is deleted', async () => {
      const id = await newSecret('replaced');
      const old = await createTo('replaced-old', id);
      const replacement = await createTo('replaced-new', id);
      const before = await latest(id);
      const res = await del(old.api_key.id);
      expect(res.status).toBe(204);
      expect(res.headers['keyplane-delivered-entry']).toBe(`kept; secret=${id}; entry=api_key; reason=not_current`);
      const after = await latest(id);
      expect(after.version).toBe(before.version);
      expect(await authenticates(after.entries.api_key)).toBe(true);
      expect((await del(replacement.api_key.id)).status).toBe(204);
      expect((await latest(id)).entries).toEqual({});
    });

    test('a caller who may delete the key but not write the secret deletes the key; the entry stays, and the answer and audit say so', async () => {
      const dev = await svc.person('developer');
      const id = await newSecret('not-writable');
      const made = await createTo('not-writable', id, 'dev', { user_id: dev.id, role: 'developer' });
      const res = await del(made.api_key.id, dev.key);
      expect(res.status).toBe(204);
      expect(res.headers['keyplane-delivered-entry']).toBe(`kept; secret=${id}; entry=dev; reason=not_writable`);
      expect((await svc.call('GET', `${CREATE}/${made.api_key.id}`)).status).toBe(404);
      expect(Object.keys((await latest(id)).entries)).toEqual(['dev']);
      expect((await deleteAudit(made.api_key.id)).delivered_entry).toMatchObject({ outcome: 'kept', reason: 'not_writable' });
    });

    test('a key whose secret was deleted is deleted; a key delivered elsewhere has no header', async () => {
      const id = await newSecret('gone');
      const made = await createTo('gone', id);
      expect((await svc.call('DELETE', `/v1/secrets/${id}`)).status).toBe(204);
      const res = await del(made.api_key.id);
      expect(res.status).toBe(204);
      expect(res.headers['keyplane-delivered-entry']).toBe(`kept; secret=${id}; entry=api_key; reason=secret_gone`);
      const plain = await svc.call('POST', CREATE, { name: 'plain' });
      const plainDel = await del(plain.body.api_key.id);
      expect(plainDel.status).toBe(204);
      expect(plainDel.headers['keyplane-delivered-entry']).toBeUndefined();
    });

    test('the entry removal commits with the delete, or not at all', async () => {
      const id = await newSecret('delete-fault');
      const made = await createTo('delete-fault', id);
      await injectDeleteFault(svc, true);
      try {
        expect((await del(made.api_key.id)).status).toBe(500);
      } finally {
        await injectDeleteFault(svc, false);
      }
      expect((await svc.call('GET', `${CREATE}/${made.api_key.id}`)).status).toBe(200);
      expect(Object.keys((await latest(id)).entries)).toEqual(['api_key']);
    });
  });
}

/** Makes the update that records a key's delivered entry fail inside the database (a trigger), or stops it. */
async function injectFault(svc: TestService, on: boolean): Promise<void> {
  const db = svc.ctx.store.db;
  if (svc.ctx.store.dialect === 'postgres') {
    if (on) {
      await sql`create or replace function keyplane_test_fault() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$`.execute(
        db,
      );
      await sql`create trigger keyplane_test_fault before update on api_keys for each row when (new.delivered_secret_id is not null) execute function keyplane_test_fault()`.execute(
        db,
      );
    } else {
      await sql`drop trigger keyplane_test_fault on api_keys`.execute(db);
    }
    return;
  }
  if (on)
    await sql`create trigger keyplane_test_fault before update on api_keys when new.delivered_secret_id is not null begin select raise(abort, 'injected fault'); end`.execute(
      db,
    );
  else await sql`drop trigger keyplane_test_fault`.execute(db);
}

describeSqlite('delivery on SQLite', () => tests(() => startTestService()));
describePostgres('delivery on PostgreSQL', () => tests(() => startTestServiceOnPostgres()));

/** Makes deleting a key row fail inside the database (after its entry was removed), or stops it. */
async function injectDeleteFault(svc: TestService, on: boolean): Promise<void> {
  const db = svc.ctx.store.db;
  if (svc.ctx.store.dialect === 'postgres') {
    if (on) {
      await sql`create or replace function keyplane_test_fault() returns trigger language plpgsql as $$ begin raise exception 'injected fault'; end $$`.execute(
        db,
      );
      await sql`create trigger keyplane_test_delete_fault before delete on api_keys for each row execute function keyplane_test_fault()`.execute(db);
    } else {
      await sql`drop trigger keyplane_test_delete_fault on api_keys`.execute(db);
    }
    return;
  }
  if (on) await sql`create trigger keyplane_test_delete_fault before delete on api_keys begin select raise(abort, 'injected fault'); end`.execute(db);
  else await sql`drop trigger keyplane_test_delete_fault`.execute(db);
}
