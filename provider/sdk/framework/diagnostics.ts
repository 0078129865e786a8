/**
 * @module framework/diagnostics
 * Diagnostics are the protocol's error channel: they are appended, never thrown, and point at the attribute
 * that caused them so Terraform highlights the exact expression. Summaries are Title Case; details are
 * sentences that say what to do and who should act.
 */
import { type Path, PathError, formatPath } from '../cty/path';
import type { AttributePath, Diagnostic as ProtoDiagnostic } from '../protocol/types';

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail: string;
  readonly path?: Path;
}

export class Diagnostics {
  private readonly items: Diagnostic[] = [];

  addError(summary: string, detail = ''): void {
    this.push({ severity: 'error', summary, detail });
  }

  addWarning(summary: string, detail = ''): void {
    this.push({ severity: 'warning', summary, detail });
  }

  addAttributeError(path: Path, summary: string, detail = ''): void {
    this.push({ severity: 'error', summary, detail, path });
  }

  addAttributeWarning(path: Path, summary: string, detail = ''): void {
    this.push({ severity: 'warning', summary, detail, path });
  }

  /** Appends others, dropping exact duplicates (Terraform would fold them anyway). */
  append(...others: Iterable<Diagnostic>[]): void {
    for (const list of others) for (const d of list) this.push(d);
  }

  hasError(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<Diagnostic> {
    return this.items[Symbol.iterator]();
  }

  toArray(): readonly Diagnostic[] {
    return [...this.items];
  }

  private push(d: Diagnostic): void {
    if (this.items.some((o) => sameDiagnostic(o, d))) return;
    this.items.push(d);
  }
}

function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  return a.severity === b.severity && a.summary === b.summary && a.detail === b.detail && formatPath(a.path ?? []) === formatPath(b.path ?? []);
}

/**
 * Set elements have no address on the wire; a path is cut where Terraform could not follow it. Our Path type
 * cannot step into a set, so every step converts.
 */
export function pathToProto(path: Path): AttributePath {
  return {
    steps: path.map((s) => ('attr' in s ? { attribute_name: s.attr } : 'key' in s ? { element_key_string: s.key } : { element_key_int: s.index })),
  };
}

export function diagnosticsToProto(diags: Iterable<Diagnostic>): ProtoDiagnostic[] {
  const out: ProtoDiagnostic[] = [];
  for (const d of diags) {
    const p: ProtoDiagnostic = { severity: d.severity === 'error' ? 'ERROR' : 'WARNING', summary: d.summary, detail: d.detail };
    if (d.path && d.path.length > 0) p.attribute = pathToProto(d.path);
    out.push(p);
  }
  return out;
}

/** A value that would not decode or convert: an error at the path where it went wrong. */
export function addPathError(diags: Diagnostics, err: unknown, summary: string, detail: string): void {
  if (err instanceof PathError && err.path.length > 0) diags.addAttributeError(err.path, summary, `${detail} ${err.reason}`.trim());
  else diags.addError(summary, `${detail} ${err instanceof Error ? err.message : String(err)}`.trim());
}
