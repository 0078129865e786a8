/**
 * @module keyplane/api-key/rotation
 * When a plan rotates a key in place (the rotation block): its triggers changed, its current secret is older
 * than rotate_after, or it was rotated since Terraform delivered its secret (the service's secret_version is
 * not the one Terraform delivered, which private state keeps: a rotation outside Terraform, or one Terraform
 * started whose answer was lost), so the secret at the configured place would stop working.
 *
 * Terraform plans a change twice, at plan and again at apply (the final plan, which must not contradict the
 * first), possibly much later for a saved plan. Both see the same refreshed state and private state, so the
 * decision is made from them only: a key's age is taken at the instant read saw the key (kept in private
 * state, as time_rotating decides at refresh), never from the clock at plan. What the first plan cannot know
 * (a triggers map or rotate_after known only at apply) plans the rotation outputs unknown, and the final plan
 * decides.
 */
import type { ApiKey } from '../../../client';
import { DURATION_EXAMPLES, parseDuration } from '../../../contract/duration';
import { type Validator, isUnknown } from '../../sdk';
import type { ApiKeyState } from './schema';

/** Private-state entries of a key instance. */
export const PRIVATE = {
  /** The Idempotency-Key of the create, made once per instance: a lost answer is retried and looked up with it. */
  idempotencyKey: 'idempotency_key',
  /** The secret_version whose secret Terraform delivered (at create or its own rotation). */
  deliveredVersion: 'delivered_secret_version',
  /** When read last saw the key (ms since the epoch): the instant its age is judged at, for every plan of that refresh. */
  readAt: 'read_at',
} as const;

export interface RotationFacts {
  secret_version: number;
  rotated_at: string | null;
  previous_secret_expires_at: string | null;
}

/** The key's rotation facts; a service that predates rotation has only the first secret. */
export function rotationFactsOf(k: ApiKey): RotationFacts {
  const r = k as ApiKey & Partial<RotationFacts>;
  return { secret_version: r.secret_version ?? 1, rotated_at: r.rotated_at ?? null, previous_secret_expires_at: r.previous_secret_expires_at ?? null };
}

export type RotationReason = { why: 'triggers' } | { why: 'age'; since: string; after: string } | { why: 'undelivered'; delivered: number; current: number };

type RotationBlock = { triggers: Record<string, string> | null; rotate_after: string | null } | null;

/**
 * Why this plan rotates the key, or undefined. `config` is the configured rotation block (known), `state`
 * the refreshed state, `delivered` the secret_version Terraform delivered (undefined when unknown: an
 * imported key, or state written before rotation existed), `readAt` the instant the key was read (its age is
 * judged then; undefined: not judged).
 */
export function rotationDue(
  config: RotationBlock,
  state: Pick<ApiKeyState, 'rotation' | 'created_at' | 'rotated_at' | 'secret_version'>,
  delivered: number | undefined,
  readAt: number | undefined,
): RotationReason | undefined {
  if (delivered !== undefined && state.secret_version !== null && state.secret_version !== delivered)
    return { why: 'undelivered', delivered, current: state.secret_version };
  // Adding or removing the block only changes settings: a rotation needs a trigger changed under a kept block.
  if (config && state.rotation && !sameMap(config.triggers ?? {}, state.rotation.triggers ?? {})) return { why: 'triggers' };
  const after = config?.rotate_after;
  const since = state.rotated_at ?? state.created_at;
  const seconds = after ? parseDuration(after) : undefined;
  if (after && seconds !== undefined && since && readAt !== undefined && readAt - Date.parse(since) >= seconds * 1000) return { why: 'age', since, after };
  return undefined;
}

/** A rotation the plan cannot decide: part of the block is known only at apply, whose final plan decides. */
export type PlannedRotation = RotationReason | { why: 'unknown' } | undefined;

/**
 * rotationDue for a configured block that may hold unknown values (the whole block, the triggers map or some
 * of its values, rotate_after): 'unknown' when the known parts do not rotate but the unknown ones may.
 */
export function plannedRotation(
  config: unknown,
  state: Pick<ApiKeyState, 'rotation' | 'created_at' | 'rotated_at' | 'secret_version'>,
  delivered: number | undefined,
  readAt: number | undefined,
): PlannedRotation {
  const block = isUnknown(config) ? { triggers: config, rotate_after: config } : (config as { triggers: unknown; rotate_after: unknown } | null);
  const triggersUnknown = block !== null && (isUnknown(block.triggers) || Object.values(block.triggers ?? {}).some(isUnknown));
  const afterUnknown = block !== null && isUnknown(block.rotate_after);
  // What is known already may decide: unknown parts count as unchanged (triggers) or unset (rotate_after).
  const known: RotationBlock =
    block === null
      ? null
      : {
          triggers: triggersUnknown ? (state.rotation?.triggers ?? null) : (block.triggers as Record<string, string> | null),
          rotate_after: afterUnknown ? null : (block.rotate_after as string | null),
        };
  const due = rotationDue(known, state, delivered, readAt);
  if (due) return due;
  // Triggers rotate only under a block kept from the prior state; rotate_after only once the key was read.
  if ((triggersUnknown && state.rotation !== null) || (afterUnknown && readAt !== undefined)) return { why: 'unknown' };
  return undefined;
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

/** A duration attribute of the rotation block (contract/duration.ts, the CLI's rule), from `min` to `max` seconds. */
export function rotationDuration(min: number, max: number, range: string): Validator {
  return {
    description: `a duration such as ${DURATION_EXAMPLES}, ${range}`,
    validate({ path, value }, diags) {
      if (!value.isKnown() || value.isNull()) return;
      const text = value.asString();
      const seconds = parseDuration(text);
      if (seconds === undefined)
        diags.addAttributeError(path, 'Invalid Duration', `${JSON.stringify(text)} is not a duration. Write one such as ${DURATION_EXAMPLES}.`);
      else if (seconds < min || seconds > max)
        diags.addAttributeError(path, 'Duration Out Of Range', `${JSON.stringify(text)} is out of range: it must be ${range}.`);
    },
  };
}
