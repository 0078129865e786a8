/** @module framework/validators/string-length */
import type { Validator } from './validator';

/** Length in characters (Unicode code points, as Terraform's length() counts them). */
export function stringLength(min: number, max = Infinity): Validator {
  const description = max === Infinity ? `must be at least ${min} characters long` : `must be between ${min} and ${max} characters long`;
  return {
    description,
    validate({ path, value }, diags) {
      if (!value.isKnown()) return;
      const n = [...value.asString()].length;
      if (n < min || n > max) diags.addAttributeError(path, 'Invalid String Length', `The value ${description}; it is ${n}.`);
    },
  };
}
