/**
 * @module keyplane/client-errors
 * One way of turning a failed client call into a diagnostic, for every resource, data source and ephemeral
 * resource. Read paths distinguish "not found" (the object is gone: plan to create it again) from every other
 * failure (an error, never "gone"): a timeout, a 401 or a 403 says nothing about whether the object exists.
 */
import { KeyplaneApiError, KeyplaneConnectionError } from '../../client';
import type { Diagnostics, Path } from '../sdk';

/** Only a 404 answer means the object does not exist (or the key may not see it, which the service folds in). */
export function isNotFound(err: unknown): boolean {
  return err instanceof KeyplaneApiError && err.status === 404;
}

/** The top-level attribute an API error's `field` names, when the schema has one by that name. */
function attributeOf(err: KeyplaneApiError, attributes: readonly string[]): Path | undefined {
  if (!err.field) return undefined;
  const top = err.field.split(/[.[]/)[0] ?? '';
  return attributes.includes(top) ? [{ attr: top }] : undefined;
}

export interface ClientErrorOptions {
  /** Top-level attributes of the request: an API error whose `field` names one points at it. */
  attributes?: readonly string[];
  /** The attribute the error belongs to whatever the service says (a lookup made for that attribute). */
  at?: Path;
  /** A sentence added to the detail, e.g. what to check after an ambiguous failure. */
  hint?: string;
}

/**
 * Appends an error for a failed client call: `doing` says what was attempted ("reading service account
 * sa_…"). The detail is the client error's own account (client/errors.ts: cannot reach the service, the
 * answer was lost and whether the request may have acted, the service failed with its request id, or the
 * service's refusal), with what to check. Anything but a client error (a bug) is rethrown, for the framework
 * to report as one.
 */
export function addClientError(diags: Diagnostics, summary: string, doing: string, err: unknown, options: ClientErrorOptions = {}): void {
  const hint = options.hint ? ` ${options.hint}` : '';
  let path = options.at;
  let detail: string;
  if (err instanceof KeyplaneApiError) {
    detail = `${err.toDiagnostic(doing).detail}${advice(err)}${hint}`;
    path ??= attributeOf(err, options.attributes ?? []);
  } else if (err instanceof KeyplaneConnectionError) {
    detail = `${err.toDiagnostic(doing).detail}${hint}`;
  } else {
    throw err;
  }
  if (path) diags.addAttributeError(path, summary, detail);
  else diags.addError(summary, detail);
}

function advice(err: KeyplaneApiError): string {
  if (err.status === 401) return " Check the provider's api_key (or KEYPLANE_API_KEY): it is unknown, revoked or expired.";
  if (err.status === 403) return " The provider's key lacks the role or scope this needs; use a key that has it.";
  return '';
}
