/**
 * Fitting a table to a width (cli/output.ts `fitTable`): compact texts first, then the widest cut column, an
 * ellipsis marking every cut, headers and uncut columns whole.
 */
import { type Column, ellipsize, fitTable, MIN_CUT } from './output';

interface Row {
  id: string;
  name: string;
  owner: string;
  used: string;
}
const COLUMNS: Column<Row>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'NAME', value: (r) => r.name, cut: true },
  { header: 'OWNER', value: (r) => r.owner, cut: true },
  { header: 'LAST USED', value: (r) => `${r.used} from 203.0.113.77`, compact: (r) => r.used },
];
const ROWS: Row[] = [
  { id: 'key_0123456789', name: 'a-rather-long-key-name-for-the-nightly-export', owner: 'reporting-batch-jobs', used: '3d ago' },
  { id: 'key_abcdefghij', name: 'short', owner: 'ops@example.com', used: 'Never' },
];
const lineWidth = (rows: string[][]) =>
  COLUMNS.reduce((sum, c, i) => sum + Math.max(c.header.length, ...rows.map((r) => [...r[i]!].length)), 0) + 2 * (COLUMNS.length - 1);

test('a table that fits is left whole', () => {
  const rows = fitTable(ROWS, COLUMNS, 200);
  expect(rows[0]).toEqual(['key_0123456789', ROWS[0]!.name, 'reporting-batch-jobs', '3d ago from 203.0.113.77']);
  expect(lineWidth(rows)).toBeLessThanOrEqual(200);
});

test('too wide: the compact texts first, and nothing is cut when that is enough', () => {
  const full = lineWidth(fitTable(ROWS, COLUMNS, 1000));
  const rows = fitTable(ROWS, COLUMNS, full - 10);
  expect(rows[0]![3]).toBe('3d ago');
  expect(rows.flat().join('')).not.toContain('…');
});

test('narrower still: the widest cut column loses characters, with an ellipsis, down to the width', () => {
  for (const target of [60, 50, 45]) {
    const rows = fitTable(ROWS, COLUMNS, target);
    expect(lineWidth(rows)).toBeLessThanOrEqual(target);
    expect(rows[0]![0]).toBe('key_0123456789');
    expect(rows[0]![1]).toMatch(/…$/);
    expect(rows[1]![1]).toBe('short');
  }
});

test('never below MIN_CUT characters: past that the table stays wider than asked', () => {
  const rows = fitTable(ROWS, COLUMNS, 10);
  expect([...rows[0]![1]!].length).toBe(MIN_CUT);
  expect([...rows[0]![2]!].length).toBe(MIN_CUT);
});

test('ellipsize counts characters, not UTF-16 units', () => {
  expect(ellipsize('ключ-для-отчётов', 6)).toBe('ключ-…');
  expect(ellipsize('short', 6)).toBe('short');
});
