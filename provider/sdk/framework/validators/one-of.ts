/** @module framework/validators/one-of */
import type { Validator } from './validator';

export function oneOf(...allowed: string[]): Validator {
  const list = allowed.map((a) => JSON.stringify(a)).join(', ');
  return {
    description: `must be one of ${list}`,
    validate({ path, value }, diags) {
      if (!value.isKnown()) return;
      const s = value.asString();
      if (!allowed.includes(s)) diags.addAttributeError(path, 'Invalid Attribute Value', `${JSON.stringify(s)} is not allowed here. Use one of ${list}.`);
    },
  };
}
