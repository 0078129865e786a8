/**
 * Results go to stdout as a table (the default), JSON or YAML; diagnostics go to stderr (see `note`). Tables
 * are borderless columns, kubectl style, so they stay narrow and grep well. A list with a shaped view (see
 * `printTable`) fits its table to the terminal (100 columns when stdout is not one), kubectl and gh style:
 * dates relative, principals by name, long texts cut with an ellipsis, descriptions first and names last
 * (`fitTable`); `-o wide` shows every column in full. JSON and YAML print the API's objects unchanged, so
 * scripts see the same field names as the API reference.
 *
 * Every byte of stdout passes through `write` here, which is also where a reader that went away
 * (`keyplane audit list --all | head -1`) is handled, once for every command.
 * @module
 */
import { EXIT_FAILURE, EXIT_OK } from './errors';

export type Format = 'table' | 'json' | 'yaml';
export const FORMATS: readonly Format[] = ['table', 'json', 'yaml'];
/** What `-o` accepts: the formats, and `wide`, the table with every column in full. */
export const OUTPUT_CHOICES: readonly string[] = [...FORMATS, 'wide'];
/** The table width when stdout is not a terminal and $COLUMNS is not set. */
export const DEFAULT_WIDTH = 100;

let guarded = false;
/** Set while stdout carries something shown only once (a new key's secret): losing it is a failure. */
let unrepeatable: string | undefined;

/**
 * When the reader of stdout has gone (`| head -1`), the result is no longer wanted: end at once with exit 0,
 * as git and gh do, instead of Node's unhandled-EPIPE stack. Node ignores SIGPIPE, so the closed pipe shows
 * up as an 'error' event on stdout. Installed by `main` (cli/main.ts) and on the first write.
 * The exception is output that cannot be asked for again (see `mustReachReader`): then the closed pipe
 * means it is lost, which exits 1 saying what to do about it.
 */
export function endQuietlyWhenStdoutCloses(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (unrepeatable === undefined) process.exit(EXIT_OK);
    process.stderr.write(`error: stdout was closed before it was written: ${unrepeatable}\n`);
    process.exit(EXIT_FAILURE);
  });
}

/**
 * Marks what is written from now on as shown only once: if the reader has gone, the command fails with
 * `whatIsLost` (what now exists without its secret, and how to recover) instead of ending quietly.
 */
export function mustReachReader(whatIsLost: string): void {
  unrepeatable = whatIsLost;
}

/** Writes result text to stdout: the only place that does. */
export function write(text: string): void {
  endQuietlyWhenStdoutCloses();
  process.stdout.write(text);
}

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
const GAP = PLAIN.middle.length;

/** A value as table text: `-` for none, lists joined with commas, records as `k=v` pairs. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length ? value.map(cellText).join(', ') : '-';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length ? entries.map(([k, v]) => `${k}=${cellText(v)}`).join(', ') : '-';
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
    write(structured(format, value));
    return;
  }
  const record = value as Record<string, unknown>;
  const names = fields ?? Object.keys(record);
  write(
    table(
      undefined,
      names.map((name) => [name, cellText(record[name])]),
    ),
  );
}

/** A list: one row per item with the given columns in table format (upper-case headers), an array otherwise. */
export function printList(format: Format, items: readonly object[], columns: string[], empty = 'nothing found'): void {
  if (format !== 'table') {
    write(structured(format, items));
    return;
  }
  if (items.length === 0) {
    note(empty);
    return;
  }
  const rows = items.map((item) => columns.map((c) => cellText((item as Record<string, unknown>)[c])));
  write(
    table(
      columns.map((c) => c.toUpperCase()),
      rows,
    ),
  );
}

/**
 * When a column gives up width to make the table fit (see `fitTable`): `first` for free text (descriptions,
 * CIDR lists, addresses), `second` for who (owners, creators, actors), `last` for the name a row is known by.
 */
export type Cut = 'first' | 'second' | 'last';

/** A column of a shaped table. */
export interface Column<T> {
  header: string;
  value: (item: T) => string;
  /** A shorter text, used in place of `value` when the table would be too wide. */
  compact?: (item: T) => string;
  /** Whether, and when, the column may be cut with an ellipsis when the table is too wide; never, without it. */
  cut?: Cut;
}

/** The narrowest a cut column gets, ellipsis included. */
export const MIN_CUT = 8;
/** What a `last` column (a name) keeps while any other column can still give up width. */
export const NAME_KEEP = 20;
const ELLIPSIS = '…';

/**
 * The order in which columns give up width: each step cuts the columns of its kind down to its floor (or
 * their header, if longer) before the next step begins. Names keep `NAME_KEEP` characters until everything
 * else is at `MIN_CUT`, so two keys named `terraform-ci` and `terraform-ci-2025` stay apart while
 * descriptions and owners shrink; only then do names go down to `MIN_CUT` too.
 */
const CUT_STEPS: readonly (readonly [Cut, number])[] = [
  ['first', MIN_CUT],
  ['second', MIN_CUT],
  ['last', NAME_KEEP],
  ['last', MIN_CUT],
];

/** `text` in at most `width` characters, the last an ellipsis when it had to be cut. */
export function ellipsize(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(width - 1, 0)).join('')}${ELLIPSIS}`;
}

const length = (text: string) => [...text].length;

/**
 * The rows of a table that fits in `width` characters. First the compact texts replace the full ones; then
 * columns are cut in the order of `CUT_STEPS`: descriptions, then owners and creators, down to `MIN_CUT`,
 * then names down to `NAME_KEEP`, then names down to `MIN_CUT`. Within a step the widest column loses a
 * character at a time, so columns of one kind end up alike. Cutting stops as soon as the table fits; when
 * every step is spent the table stays wider than asked. Headers and columns without `cut` are never cut.
 */
export function fitTable<T>(items: readonly T[], columns: readonly Column<T>[], width: number): string[][] {
  let rows = items.map((item) => columns.map((c) => c.value(item)));
  const widths = () => columns.map((c, i) => Math.max(length(c.header), ...rows.map((r) => length(r[i]!))));
  const total = (w: number[]) => w.reduce((a, b) => a + b, 0) + GAP * (columns.length - 1);
  if (total(widths()) > width && columns.some((c) => c.compact)) rows = items.map((item) => columns.map((c) => (c.compact ?? c.value)(item)));
  const w = widths();
  let over = total(w) - width;
  for (const [kind, floor] of CUT_STEPS) {
    const floors = columns.map((c) => Math.max(floor, length(c.header)));
    while (over > 0) {
      let widest = -1;
      for (let i = 0; i < columns.length; i++) {
        if (columns[i]!.cut === kind && w[i]! > floors[i]! && (widest < 0 || w[i]! > w[widest]!)) widest = i;
      }
      if (widest < 0) break;
      w[widest]!--;
      over--;
    }
  }
  return rows.map((r) => r.map((text, i) => (columns[i]!.cut ? ellipsize(text, w[i]!) : text)));
}

/** How wide a table may be: the terminal's width, else $COLUMNS, else `DEFAULT_WIDTH`. */
export function outputWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : DEFAULT_WIDTH;
}

/**
 * A list with a shaped view: in table format the `table` columns fitted to `outputWidth()`, or with `wide`
 * the `wide` columns in full; in JSON and YAML the API objects unchanged.
 */
export function printTable<T extends object>(
  format: Format,
  wide: boolean,
  items: readonly T[],
  view: { table: readonly Column<T>[]; wide: readonly Column<T>[] },
  empty = 'nothing found',
): void {
  if (format !== 'table') {
    write(structured(format, items));
    return;
  }
  if (items.length === 0) {
    note(empty);
    return;
  }
  const columns = wide ? view.wide : view.table;
  const rows = wide ? items.map((item) => columns.map((c) => c.value(item))) : fitTable(items, columns, outputWidth());
  write(
    table(
      columns.map((c) => c.header),
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
  write(`${text}\n`);
}

/** A diagnostic for the person at the terminal, never part of the result. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}
