/**
 * @module keyplane/api-key/rotation
 * When a plan rotates a key in place (the rotation block): its triggers changed, its current secret is older
 * than rotate_after, or it was rotated outside Terraform (the service's secret_version is not the one
 * Terraform delivered, which private state keeps), so the secret at the configured place would stop working.
 */
import type { ApiKey } from '../../../client';
import { DURATION_EXAMPLES, parseDuration } from '../../../contract/duration';
import type { Validator } from '../../sdk';
import type { ApiKeyState } from './schema';

/** Private-state entries of a key instance. */
export const PRIVATE = {
  /** The Idempotency-Key of the create, made once per instance: a lost answer is retried and looked up with it. */
  idempotencyKey: 'idempotency_key',
  /** The secret_version whose secret Terraform delivered (at create or its own rotation). */
  deliveredVersion: 'delivered_secret_version',
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

export type RotationReason = { why: 'triggers' } | { why: 'age'; since: string; after: string } | { why: 'outside'; delivered: number; current: number };

type RotationBlock = { triggers: Record<string, string> | null; rotate_after: string | null } | null;

/**
 * Why this plan rotates the key, or undefined. `config` is the configured rotation block (known), `state`
 * the refreshed state, `delivered` the secret_version Terraform delivered (undefined when unknown: an
 * imported key, or state written before rotation existed).
 */
export function rotationDue(
  config: RotationBlock,
  state: Pick<ApiKeyState, 'rotation' | 'created_at' | 'rotated_at' | 'secret_version'>,
  delivered: number | undefined,
  now = Date.now(),
): RotationReason | undefined {
  if (delivered !== undefined && state.secret_version !== null && state.secret_version !== delivered)
    return { why: 'outside', delivered, current: state.secret_version };
  // Adding or removing the block only changes settings: a rotation needs a trigger changed under a kept block.
  if (config && state.rotation && !sameMap(config.triggers ?? {}, state.rotation.triggers ?? {})) return { why: 'triggers' };
  const after = config?.rotate_after;
  const since = state.rotated_at ?? state.created_at;
  const seconds = after ? parseDuration(after) : undefined;
  if (after && seconds !== undefined && since && now - Date.parse(since) >= seconds * 1000) return { why: 'age', since, after };
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
