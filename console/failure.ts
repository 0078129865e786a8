/** Any error met while calling the API, as the ApiFailure the forms show next to their fields. */
import { ApiFailure } from './api';

export function toFailure(err: unknown): ApiFailure {
  return err instanceof ApiFailure ? err : new ApiFailure(0, 'internal', String(err));
}
