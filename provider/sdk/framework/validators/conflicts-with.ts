/**
 * @module framework/validators/conflicts-with
 * Presence checks between sibling attributes. A value that is unknown still counts as set: it will be some
 * value at apply, so the conflict is certain.
 */
import { attr as attrStep } from '../../cty/path';
import type { Validator } from './validator';

export function conflictsWith(...siblings: string[]): Validator {
  return {
    description: `cannot be set together with ${siblings.map((s) => `"${s}"`).join(', ')}`,
    validate({ path, value, parent }, diags) {
      if (value.isNull() || !parent.isKnown()) return;
      for (const s of siblings) {
        if (!parent.attr(s).isNull()) {
          const self = path[path.length - 1];
          diags.addAttributeError(
            path,
            'Invalid Attribute Combination',
            `"${self && 'attr' in self ? self.attr : 'this attribute'}" cannot be set together with "${s}". Remove one of them.`,
          );
        }
      }
    },
  };
}

/** When this attribute is set, the named siblings must be set too. */
export function alsoRequires(...siblings: string[]): Validator {
  return {
    description: `requires ${siblings.map((s) => `"${s}"`).join(', ')} to be set as well`,
    validate({ path, value, parent }, diags) {
      if (value.isNull() || !parent.isKnown()) return;
      const parentPath = path.slice(0, -1);
      for (const s of siblings) {
        if (parent.attr(s).isNull())
          diags.addAttributeError(attrStep(parentPath, s), 'Missing Attribute', `"${s}" must be set when the attribute next to it is set.`);
      }
    },
  };
}
