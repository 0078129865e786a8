/**
 * @module framework/validators/validator
 * Reusable checks of one attribute's configured value, run in Validate*Config. Configuration may still
 * hold unknowns during validate and plan; a validator skips a value it cannot judge yet (unknown or null),
 * except checks about presence, such as conflictsWith.
 */
import type { Path } from '../../cty/path';
import type { Value } from '../../cty/value';
import type { Diagnostics } from '../diagnostics';

export interface ValidatorRequest {
  readonly path: Path;
  /** This attribute's configured value. */
  readonly value: Value;
  /** The object holding the attribute (its siblings), as configured. */
  readonly parent: Value;
  /** The whole configuration. */
  readonly config: Value;
}

export interface Validator {
  /** One sentence for docs: "must be between 1 and 100 characters long". */
  readonly description: string;
  validate(req: ValidatorRequest, diags: Diagnostics): void;
}
