/**
 * `Idempotency-Key` for the requests that make a secret: POST /v1/api-keys and POST /v1/api-keys/{id}/rotate.
 * A key is scoped to the calling principal and remembered for LIMITS.idempotencyKey.windowSeconds (a created key
 * also keeps it on its row, for keyMadeWith, as long as it exists). Its record
 * is inserted in the same transaction as the key it made, first thing, so a concurrent repeat waits on the
 * primary key (PostgreSQL) or runs after the commit (SQLite's one-at-a-time transactions), fails to insert,
 * rolls back everything it did, and answers as a replay. A repeat of the same request (route, target id and
 * body, hashed) gets the first answer, status 200, `replayed: true`, header `Idempotent-Replayed: true` and
 * never a `secret`; another request under the same key is a 409 idempotency_key_reused. Only answers that
 * committed are remembered: a request that failed may be sent again with its key.
 * @module
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { IDEMPOTENCY_HEADER } from '../../contract/idempotency';
import { LIMITS } from '../../contract/limits';
import type { ServiceContext } from '../context';
import type { Database } from '../db/tables';
import { isUniqueViolation } from '../db/transaction';
import { ApiError, invalidArgument } from '../errors';

export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** What the routes answer: a plaintext `secret` only in the first answer of a response-mode delivery. */
export interface IdempotentAnswer {
  secret?: string;
  replayed: boolean;
}

/** Given to the route's work, to call inside its transaction. Both do nothing when no key was sent. */
export interface IdempotencyRecord {
  /** First in the transaction: claims the key for the key `apiKeyId` names (a concurrent repeat loses here). */
  claim(trx: Transaction<Database>, apiKeyId: string): Promise<void>;
  /** Last in the transaction: keeps the answer, without its secret, for replays. */
  complete(trx: Transaction<Database>, answer: IdempotentAnswer): Promise<void>;
}

const windowStart = (now = Date.now()) => new Date(now - LIMITS.idempotencyKey.windowSeconds * 1000).toISOString();

/** The header's value, or undefined when absent; 400 naming `Idempotency-Key` when malformed. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const { min, max, pattern } = LIMITS.idempotencyKey;
  if (typeof raw !== 'string') throw invalidArgument(IDEMPOTENCY_HEADER, 'give the header once');
  if (raw.length < min || raw.length > max) throw invalidArgument(IDEMPOTENCY_HEADER, `must be ${min} to ${max} characters`);
  if (!new RegExp(pattern).test(raw)) throw invalidArgument(IDEMPOTENCY_HEADER, 'must be printable ASCII without spaces (a UUID, say)');
  return raw;
}

/** JSON with object keys sorted at every level: the same body however its fields were ordered. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 of the route pattern, the target (`:id`, if the route has one) and the canonical body. */
export function requestHash(request: FastifyRequest): string {
  const target = (request.params as { id?: string } | undefined)?.id ?? '';
  return createHash('sha256')
    .update(canonical([request.method, request.routeOptions.url, target, request.body ?? null]))
    .digest('hex');
}

/** A concurrent request with the same key committed first. */
class LostRace extends Error {}

/**
 * Runs `work` at most once per Idempotency-Key of the caller and sends its answer with `status`, or replays
 * the first answer. Without the header, `work` just runs. `work` calls `record.claim` first and
 * `record.complete` last inside its transaction.
 */
export async function idempotently<T extends IdempotentAnswer>(
  ctx: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  work: (record: IdempotencyRecord) => Promise<T>,
): Promise<T> {
  const key = idempotencyKeyOf(request);
  if (key === undefined) {
    const answer = await work({ claim: async () => {}, complete: async () => {} });
    void reply.status(status);
    return answer;
  }
  const principal = request.auth.actor.id;
  const hash = requestHash(request);
  // Expired records go here, where they are found by the created_at index: no sweeper to run.
  await ctx.store.db.deleteFrom('idempotency_keys').where('created_at', '<', windowStart()).execute();
  const earlier = await replay<T>(ctx.store.db, principal, key, hash);
  if (earlier) return sendReplay(reply, status, earlier);

  const record: IdempotencyRecord = {
    async claim(trx, apiKeyId) {
      // A record past the window that the purge above did not see yet (it expired since) does not count.
      await trx
        .deleteFrom('idempotency_keys')
        .where('principal_id', '=', principal)
        .where('idempotency_key', '=', key)
        .where('created_at', '<', windowStart())
        .execute();
      try {
        await trx
          .insertInto('idempotency_keys')
          .values({
            principal_id: principal,
            idempotency_key: key,
            request_hash: hash,
            api_key_id: apiKeyId,
            status,
            response: '{}',
            created_at: new Date().toISOString(),
          })
          .execute();
      } catch (err) {
        throw isUniqueViolation(err) ? new LostRace() : err;
      }
    },
    async complete(trx, answer) {
      const { secret: _never, ...kept } = answer;
      await trx
        .updateTable('idempotency_keys')
        .set({ response: JSON.stringify({ ...kept, replayed: false }) })
        .where('principal_id', '=', principal)
        .where('idempotency_key', '=', key)
        .execute();
    },
  };
  try {
    const answer = await work(record);
    void reply.status(status);
    return answer;
  } catch (err) {
    if (!(err instanceof LostRace)) throw err;
    const winner = await replay<T>(ctx.store.db, principal, key, hash);
    if (!winner) throw new ApiError('conflict', 'a concurrent request with this Idempotency-Key did not finish; send it again', IDEMPOTENCY_HEADER);
    return sendReplay(reply, status, winner);
  }
}

/** The first answer to this request under `key`, if the caller sent one within the window; 409 for another request. */
async function replay<T>(db: Kysely<Database>, principal: string, key: string, hash: string): Promise<T | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('principal_id', '=', principal)
    .where('idempotency_key', '=', key)
    .where('created_at', '>=', windowStart())
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== hash)
    throw new ApiError(
      'idempotency_key_reused',
      `this Idempotency-Key was used at ${row.created_at} for a different request (another route, key or body); use a new key for a new request`,
      IDEMPOTENCY_HEADER,
    );
  return { ...(JSON.parse(row.response) as T), replayed: true };
}

/** 200 with the header; serialised by the route's schema of its first answer, so the replay has the same shape. */
function sendReplay<T>(reply: FastifyReply, firstStatus: number, answer: T): T {
  const serialize = reply.getSerializationFunction(String(firstStatus));
  if (serialize) void reply.serializer(serialize);
  void reply.status(200).header(REPLAYED_HEADER, 'true');
  return answer;
}

/**
 * The id of the key the caller made with `key` (for as long as that key exists: the key row keeps the
 * Idempotency-Key it was created with), or rotated with it within the window, if any.
 */
export async function keyMadeWith(db: Kysely<Database>, request: FastifyRequest, key: string): Promise<string | undefined> {
  const created = await db
    .selectFrom('api_keys')
    .select('id')
    .where('created_by', '=', request.auth.actor.id)
    .where('creation_idempotency_key', '=', key)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (created) return created.id;
  const row = await db
    .selectFrom('idempotency_keys')
    .select('api_key_id')
    .where('principal_id', '=', request.auth.actor.id)
    .where('idempotency_key', '=', key)
    .where('created_at', '>=', windowStart())
    .executeTakeFirst();
  return row?.api_key_id;
}
