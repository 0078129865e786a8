/**
 * @module keyplane/limits
 * Validators for values the service limits, built from the contract's rules (contract/limits.ts,
 * contract/roles.ts…), so plan refuses exactly what the service would refuse, with the same numbers in the
 * messages and in the docs.
 */
import { KEY_STATUSES } from '../../contract/key-status';
import { LIMITS } from '../../contract/limits';
import { OWNER_TYPES } from '../../contract/owners';
import { ROLE_NAMES_TEXT, ROLES_HIGHEST_FIRST } from '../../contract/roles';
import { type Validator, matchesRegex, oneOf, stringLength } from '../sdk';

export { LIMITS, ROLE_NAMES_TEXT };

/** Names of keys, service accounts, allow lists and secrets. */
export const nameLength = () => stringLength(LIMITS.name.min, LIMITS.name.max);
export const NAME_RANGE_TEXT = `${LIMITS.name.min} to ${LIMITS.name.max} characters`;

export const descriptionLength = () => stringLength(0, LIMITS.description.max);
export const DESCRIPTION_TEXT = `up to ${LIMITS.description.max} characters`;

/** Ids given in configuration (key_…, sa_…, sec_…). */
export const idLength = () => stringLength(LIMITS.id.min, LIMITS.id.max);

/** A whole number from `min` to `max`, as the service's schema wants it. */
export function integerBetween(min: number, max: number): Validator {
  return {
    description: `a whole number from ${min} to ${max}`,
    validate({ path, value }, diags) {
      if (!value.isKnown() || value.isNull()) return;
      const n = Number(value.asNumber());
      if (!Number.isInteger(n) || n < min || n > max)
        diags.addAttributeError(path, 'Invalid Attribute Value', `Expected a whole number from ${min} to ${max}, got ${value.asNumber()}.`);
    },
  };
}

/** The users named as managers of one service account. */
export function managerCount(): Validator {
  const max = LIMITS.serviceAccountManagers.max;
  return {
    description: `at most ${max} elements`,
    validate({ path, value }, diags) {
      if (!value.isKnown() || value.isNull() || value.length() <= max) return;
      diags.addAttributeError(path, 'Too Many Managers', `manager_user_ids has ${value.length()} elements; a service account has at most ${max} managers.`);
    },
  };
}
export const MANAGERS_TEXT = `at most ${LIMITS.serviceAccountManagers.max} users`;

export const roleChoice = () => oneOf(...ROLES_HIGHEST_FIRST);
export const ownerTypeChoice = () => oneOf(...OWNER_TYPES);
export const keyStatusChoice = () => oneOf(...KEY_STATUSES);

/** A quoted list for descriptions: "a", "b" or "c". */
export function choicesText(values: readonly string[]): string {
  return values
    .map((v) => `"${v}"`)
    .join(', ')
    .replace(/, ([^,]*)$/, ' or $1');
}

/** Names of secret entries. */
export const entryKey = () => matchesRegex(new RegExp(LIMITS.secretEntries.keyPattern), LIMITS.secretEntries.keyText);
