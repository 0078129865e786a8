/** @module framework/validators/matches-regex */
import type { Validator } from './validator';

/** @param message what the pattern means, in words ("lowercase letters and dashes"). */
export function matchesRegex(pattern: RegExp, message: string): Validator {
  return {
    description: `must match ${message}`,
    validate({ path, value }, diags) {
      if (!value.isKnown()) return;
      // A refined unknown with a known prefix could already fail, but a prefix cannot prove a regex wrong in general.
      if (!pattern.test(value.asString()))
        diags.addAttributeError(path, 'Invalid Attribute Value', `${JSON.stringify(value.asString())} is not valid: it must be ${message}.`);
    },
  };
}
