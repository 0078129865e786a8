/**
 * @module framework/server/validate-config
 * The checks every Validate*Config RPC shares, before the type's own validateConfig: a value set on a
 * computed-only attribute is refused (Terraform core lets it through and the provider would silently overwrite
 * it), a deprecated attribute that is set warns, a write-only value is refused where the client cannot take
 * one, a number more precise than the attribute's plain form can hold is refused, and each attribute's
 * validators run.
 */
import type { Type } from '../../cty/types';
import type { Value } from '../../cty/value';
import type { Diagnostics } from '../diagnostics';
import { InexactNumberError, valueToPlain } from '../schema/convert';
import type { AnySchema } from '../schema/schema';
import { type Path, attr as attrStep } from '../../cty/path';
import { type ObjectSchema, blocksOf, forEachAttribute, forEachElement } from './walk';

export interface ConfigCheckOptions {
  /** From client_capabilities; false means Terraform cannot handle write-only values. */
  writeOnlyAllowed?: boolean;
}

export function checkConfig(schema: AnySchema, config: Value, diags: Diagnostics, opts: ConfigCheckOptions = {}): void {
  forEachAttribute(schema.object, config, [], ({ attribute: a, value, path, parent }) => {
    const set = !value.isNull();
    if (a.computed && !a.optional && !a.required && set) {
      diags.addAttributeError(
        path,
        'Invalid Configuration for Read-Only Attribute',
        `Cannot set a value for ${describePath(path)}: the provider computes it. Remove it from the configuration.`,
      );
    }
    if (a.deprecated !== undefined && set) diags.addAttributeWarning(path, 'Deprecated Attribute', a.deprecated);
    if (a.writeOnly && set && opts.writeOnlyAllowed === false) {
      diags.addAttributeError(
        path,
        'Write-Only Attribute Not Allowed',
        `${describePath(path)} is write-only, and this Terraform version cannot send write-only values. Use Terraform 1.11 or later.`,
      );
    }
    // Plain values hold numbers as JS numbers (except exact attributes and dynamic slots); create, read and
    // update would refuse this value, so refuse it now, at validate and plan, not half-way through apply.
    const inexact = a.nested || a.exact ? undefined : firstInexactNumber(value, a.type);
    if (inexact !== undefined) {
      diags.addAttributeError(
        path,
        'Number Too Precise',
        `${inexact} has more significant digits than ${describePath(path)} can hold exactly (about 17). Use a number with fewer digits; rounding it silently would store a different value.`,
      );
    }
    for (const v of a.validators) v.validate({ path, value, parent, config }, diags);
  });
  checkDeprecatedBlocks(schema.object, config, [], diags);
}

function checkDeprecatedBlocks(o: ObjectSchema, value: Value, path: Path, diags: Diagnostics): void {
  if (!value.isKnown()) return;
  for (const [name, b] of Object.entries(blocksOf(o))) {
    const bv = value.attr(name);
    const p = attrStep(path, name);
    const present = bv.isKnown() && (b.nesting === 'single' || b.nesting === 'group' ? b.nesting === 'single' : bv.length() > 0);
    if (b.deprecated !== undefined && present) diags.addAttributeWarning(p, 'Deprecated Block', b.deprecated);
    forEachElement(bv, b.nesting, p, (e, ep) => checkDeprecatedBlocks(b.object, e, ep, diags));
  }
}

/**
 * The first known number in v that a JS number cannot hold exactly: what create, read and update would
 * refuse, found by the same conversion they use (dynamic slots stay cty values, unknowns are allowed).
 */
function firstInexactNumber(v: Value, t: Type): string | undefined {
  try {
    valueToPlain(v, t, { allowUnknown: true });
    return undefined;
  } catch (err) {
    if (err instanceof InexactNumberError) return err.number;
    throw err;
  }
}

function describePath(path: Path): string {
  const last = path[path.length - 1];
  return last && 'attr' in last ? `"${last.attr}"` : 'this attribute';
}
