/**
 * Output: results on stdout as a table (default), JSON or YAML; everything else on stderr.
 * @module
 */
import Table from 'cli-table3';

export type Format = 'table' | 'json' | 'yaml';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cell).join(', ');
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${cell(x)}`).join(', ');
  return String(v);
}

export function print(format: Format, value: unknown, columns?: string[]): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  if (format === 'yaml') {
    // Loaded only when asked for: most runs never print YAML.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require('yaml') as typeof import('yaml');
    process.stdout.write(YAML.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    const cols = columns ?? (value[0] ? Object.keys(value[0] as object) : []);
    const table = new Table({ head: cols, style: { head: [], border: [] } });
    for (const row of value) table.push(cols.map((c) => cell((row as Record<string, unknown>)[c])));
    process.stdout.write(value.length ? `${table.toString()}\n` : 'none\n');
    return;
  }
  const table = new Table({ style: { head: [], border: [] } });
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) table.push({ [k]: cell(v) });
  process.stdout.write(`${table.toString()}\n`);
}
