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
import { type Diagnostics, type Path, type Validator, matchesRegex, oneOf, stringLength } from '../sdk';

export { LIMITS, ROLE_NAMES_TEXT };

/** Names of keys, service accounts, allow lists and secrets. */
export const nameLength = () => stringLength(LIMITS.name.min, LIMITS.name.max);
export const NAME_RANGE_TEXT = `${LIMITS.name.min} to ${LIMITS.name.max} characters`;

/**
 * A text's length as the service's schemas count it: Ajv's maxLength counts Unicode code points, a surrogate
 * pair one character (node_modules/ajv/dist/runtime/ucs2length.js, used by service/http/validation.ts), as
 * iterating a string does.
 */
export function serviceLength(text: string): number {
  return [...text].length;
}

/** A description longer than the service takes (contract/api/common.ts Description), reported at `path`. */
export function addDescriptionProblem(path: Path, description: unknown, diags: Diagnostics): void {
  if (typeof description !== 'string') return;
  const n = serviceLength(description);
  if (n > LIMITS.description.max)
    diags.addAttributeError(path, 'Description Too Long', `description is ${n} characters; the Keyplane service accepts at most ${LIMITS.description.max}.`);
}

export const DESCRIPTION_TEXT = `up to ${LIMITS.description.max} characters`;

/** addDescriptionProblem as an attribute validator, so validate refuses it too. */
export function descriptionLength(): Validator {
  return {
    description: DESCRIPTION_TEXT,
    validate({ path, value }, diags) {
      if (!value.isKnown() || value.isNull()) return;
      addDescriptionProblem(path, value.asString(), diags);
    },
  };
}

/**
 * A map of labels and how its problems are worded: labels a request sets (LABELS) or labels a listing filters
 * on (LABEL_FILTERS). Both hold keys and values a label can have; only the count differs.
 */
export interface LabelRule {
  /** At most this many entries. */
  max: number;
  tooManySummary: string;
  /** What the service does with up to `max` of them: "accepts", "filters on". */
  takes: string;
  /** Opens the sentence about a key no label can have. */
  badKey: string;
  /** Ends the sentence about a value longer than any label's. */
  longValue: string;
}

/** Labels of a key (contract/api/common.ts Labels). */
export const LABELS: LabelRule = {
  max: LIMITS.labels.max,
  tooManySummary: 'Too Many Labels',
  takes: 'accepts',
  badKey: 'The Keyplane service refuses label key',
  longValue: 'the Keyplane service accepts at most',
};

/**
 * `label` filters of a listing (contract/api/api-keys.ts, sent as KEY=VALUE): a key no label can have would
 * match nothing, or, holding "=", be split elsewhere by the service, or, empty, be refused by it.
 */
export const LABEL_FILTERS: LabelRule = {
  max: LIMITS.labelFilters.max,
  tooManySummary: 'Too Many Label Filters',
  takes: 'filters on',
  badKey: 'No label can have key',
  longValue: 'so it matches nothing: no label value is longer than',
};

/**
 * Labels as the service's schema takes them (contract/api/common.ts Labels): at most `rule.max`, keys
 * matching LIMITS.labels.keyPattern, values up to LIMITS.labels.valueMax characters. Each problem is
 * reported at `path` (the map) or at its label; `labels` holds the known entries (unknown values skipped).
 */
export function addLabelProblems(path: Path, labels: Record<string, unknown>, diags: Diagnostics, rule: LabelRule = LABELS): void {
  const entries = Object.entries(labels);
  if (entries.length > rule.max)
    diags.addAttributeError(path, rule.tooManySummary, `labels has ${entries.length} entries; the Keyplane service ${rule.takes} at most ${rule.max}.`);
  const keyPattern = new RegExp(LIMITS.labels.keyPattern);
  for (const [key, value] of entries) {
    const at = [...path, { key }];
    if (!keyPattern.test(key))
      diags.addAttributeError(at, 'Invalid Label Key', `${rule.badKey} ${JSON.stringify(key)}: label keys must match ${LIMITS.labels.keyPattern}.`);
    const n = typeof value === 'string' ? serviceLength(value) : 0;
    if (n > LIMITS.labels.valueMax)
      diags.addAttributeError(
        at,
        'Label Value Too Long',
        `The value of label ${JSON.stringify(key)} is ${n} characters; ${rule.longValue} ${LIMITS.labels.valueMax}.`,
      );
  }
}

/** addLabelProblems as an attribute validator (for a map of strings), so validate refuses them too. */
export function labelLimits(rule: LabelRule = LABELS): Validator {
  return {
    description: `at most ${rule.max} entries; keys match ${LIMITS.labels.keyPattern}; values up to ${LIMITS.labels.valueMax} characters`,
    validate({ path, value }, diags) {
      if (!value.isKnown() || value.isNull()) return;
      const known: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value.entries())) known[k] = v.isKnown() && !v.isNull() ? v.asString() : null;
      addLabelProblems(path, known, diags, rule);
    },
  };
}

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
