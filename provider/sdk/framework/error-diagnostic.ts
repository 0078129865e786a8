/**
 * @module framework/error-diagnostic
 * An error that knows how to be shown. Provider code calls libraries (an HTTP client, say) whose failures are
 * the user's to fix, not the provider's: a refused connection, a service that failed. Rather than catch and
 * translate each call, such an error carries its own diagnostic, and when it escapes provider code the
 * framework (server/state.ts, `guard`) reports that diagnostic instead of calling the failure a provider bug.
 *
 * The shape is structural: a library needs no import of the SDK, only a `toDiagnostic()` method returning
 * `{ summary, detail, path? }` (as `toJSON()` works for JSON.stringify).
 */
import type { Path } from '../cty/path';

/** What an error says about itself: a Title Case summary, a detail that says what to do, optionally where. */
export interface ErrorDiagnostic {
  readonly summary: string;
  readonly detail: string;
  /** The attribute the error is about, when the error knows it. */
  readonly path?: Path;
}

export interface DiagnosticError {
  toDiagnostic(): ErrorDiagnostic;
}

/** The diagnostic an error carries, or undefined for any other value (then it is a provider bug). */
export function diagnosticOf(err: unknown): ErrorDiagnostic | undefined {
  if (err === null || typeof err !== 'object' || typeof (err as Partial<DiagnosticError>).toDiagnostic !== 'function') return undefined;
  let d: unknown;
  try {
    d = (err as DiagnosticError).toDiagnostic();
  } catch {
    return undefined;
  }
  const c = d as Partial<ErrorDiagnostic> | null;
  if (!c || typeof c.summary !== 'string' || c.summary === '' || typeof c.detail !== 'string') return undefined;
  const path = Array.isArray(c.path) && c.path.length > 0 && c.path.every(isStep) ? c.path : undefined;
  return { summary: c.summary, detail: c.detail, ...(path ? { path } : {}) };
}

function isStep(s: unknown): boolean {
  if (s === null || typeof s !== 'object') return false;
  const o = s as Record<string, unknown>;
  return typeof o.attr === 'string' || typeof o.key === 'string' || (typeof o.index === 'number' && Number.isInteger(o.index));
}
