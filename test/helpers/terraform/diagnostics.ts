/**
 * Terraform's human diagnostics, parsed: summary, address, file, line, the highlighted source line and the
 * detail, so tests assert where an error points, not only that one happened.
 */

/** A line Terraform prints on every command under dev_overrides; noise in every assertion. */
const DEV_OVERRIDES_WARNING = 'Provider development overrides are in effect';

export interface ParsedDiagnostic {
  severity: 'Error' | 'Warning';
  summary: string;
  /** The resource or provider the diagnostic is about (`with ...`). */
  address?: string;
  file?: string;
  line?: number;
  /** The source line Terraform printed for the highlighted expression, trimmed. */
  source?: string;
  /** The detail text, its line wrapping undone. */
  detail: string;
}

/**
 * Terraform's human diagnostics (with -no-color) in the order printed, the dev_overrides warning left out:
 *
 *     Error: Invalid CIDR Block
 *
 *       with conformance_validated.v,
 *       on main.tf line 16, in resource "conformance_validated" "v":
 *       16:       cidr = "10.0.0.1/8"
 *
 *     "10.0.0.1/8" has bits set after its /8 prefix. ...
 */
export function diagnostics(output: string): ParsedDiagnostic[] {
  const lines = output.split('\n').map((l) => l.replace(/^[│╷╵] ?/, ''));
  const out: ParsedDiagnostic[] = [];
  let i = 0;
  while (i < lines.length) {
    const head = /^(Error|Warning): (.*)$/.exec(lines[i]!);
    if (!head) {
      i++;
      continue;
    }
    const d: ParsedDiagnostic = { severity: head[1] as 'Error' | 'Warning', summary: head[2]!.trim(), detail: '' };
    i++;
    const body: string[] = [];
    while (i < lines.length && !/^(Error|Warning): /.test(lines[i]!)) body.push(lines[i++]!);
    const rest: string[] = [];
    let inContext = true;
    for (const line of body) {
      const withM = /^ {2}with (.*),$/.exec(line);
      const onM = /^ {2}on (\S+) line (\d+)/.exec(line);
      const srcM = /^ {2,}(\d+): (.*)$/.exec(line);
      if (inContext && withM) d.address = withM[1];
      else if (inContext && onM) {
        d.file = onM[1];
        d.line = Number(onM[2]);
      } else if (inContext && srcM && d.line !== undefined && Number(srcM[1]) === d.line && d.source === undefined) d.source = srcM[2]!.trim();
      else if (inContext && /^ {4,}[│├└]/.test(line))
        continue; // expression-value annotations under the source line
      else {
        if (line.trim() !== '' && !line.startsWith('  ')) inContext = false;
        if (!inContext) rest.push(line);
      }
    }
    d.detail = rest
      .join('\n')
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter((p) => p !== '')
      .join('\n\n');
    if (d.summary !== DEV_OVERRIDES_WARNING) out.push(d);
  }
  return out;
}
