/**
 * Results go to stdout as a table (the default), JSON or YAML; diagnostics go to stderr (see `note`). Tables
 * are borderless columns, kubectl style, so they stay narrow and grep well. JSON and YAML print the API's
 * objects unchanged, so scripts see the same field names as the API reference.
 * @module
 */
export type Format = 'table' | 'json' | 'yaml';
export const FORMATS: readonly Format[] = ['table', 'json', 'yaml'];

/** Borderless cli-table3 characters: two spaces between columns, nothing else. */
const PLAIN = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length ? value.map(cell).join(', ') : '-';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length ? entries.map(([k, v]) => `${k}=${cell(v)}`).join(', ') : '-';
  }
  return String(value);
}

function table(head: string[] | undefined, rows: string[][]): string {
  // Loaded on first use: commands that print JSON never pay for it.
  const Table = require('cli-table3') as typeof import('cli-table3');
  const t = new Table({ ...(head ? { head } : {}), chars: PLAIN, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  t.push(...rows);
  return `${t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

function structured(format: 'json' | 'yaml', value: unknown): string {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  const YAML = require('yaml') as typeof import('yaml');
  return YAML.stringify(value);
}

/** One object: `field  value` rows in table format, the object itself otherwise. */
export function printObject(format: Format, value: object, fields?: string[]): void {
  if (format !== 'table') {
    process.stdout.write(structured(format, value));
    return;
  }
  const record = value as Record<string, unknown>;
  const names = fields ?? Object.keys(record);
  process.stdout.write(
    table(
      undefined,
      names.map((name) => [name, cell(record[name])]),
    ),
  );
}

/** A list: one row per item with the given columns in table format (upper-case headers), an array otherwise. */
export function printList(format: Format, items: readonly object[], columns: string[], empty = 'nothing found'): void {
  if (format !== 'table') {
    process.stdout.write(structured(format, items));
    return;
  }
  if (items.length === 0) {
    note(empty);
    return;
  }
  const rows = items.map((item) => columns.map((c) => cell((item as Record<string, unknown>)[c])));
  process.stdout.write(
    table(
      columns.map((c) => c.toUpperCase()),
      rows,
    ),
  );
}

/** What a delete prints: a line for people, `{id, deleted: true}` for scripts. */
export function printDeleted(format: Format, id: string): void {
  if (format === 'table') printLine(`deleted ${id}`);
  else printObject(format, { id, deleted: true });
}

/** A plain result line on stdout (a deletion, a single value). */
export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** A diagnostic for the person at the terminal, never part of the result. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}
