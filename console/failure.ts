/** Any error met while calling the API, as the ApiFailure the forms show next to their fields. */
import { ApiFailure } from './api';
import { controlOf } from './key-form-fields';

export function toFailure(err: unknown): ApiFailure {
  return err instanceof ApiFailure ? err : new ApiFailure(0, 'internal', String(err));
}

/** Any error, with the field it names renamed to the control among a form's `fields` that shows it (console/key-form-fields.ts). */
export function atControl(fields: readonly string[], err: unknown): ApiFailure {
  const failure = toFailure(err);
  return new ApiFailure(failure.status, failure.code, failure.message, controlOf(fields, failure.field));
}
