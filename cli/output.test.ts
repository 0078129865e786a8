/**
 * Fitting a table to a width (cli/output.ts `fitTable`): compact texts first, then columns cut in order,
 * descriptions, then owners and creators, then names, an ellipsis marking every cut, headers and uncut
 * columns whole.
 */
import type { ApiKey } from '../client';
import { apiKeyView } from './commands/api-key-table';
import { type Column, ellipsize, fitTable, MIN_CUT, NAME_KEEP } from './output';

interface Row {
  id: string;
  name: string;
  owner: string;
  used: string;
  description: string;
}
const COLUMNS: Column<Row>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'NAME', value: (r) => r.name, cut: 'last' },
  { header: 'OWNER', value: (r) => r.owner, cut: 'second' },
  { header: 'LAST USED', value: (r) => `${r.used} from 203.0.113.77`, compact: (r) => r.used },
  { header: 'DESCRIPTION', value: (r) => r.description, cut: 'first' },
];
const ROWS: Row[] = [
  {
    id: 'key_0123456789',
    name: 'a-rather-long-key-name-for-the-nightly-export',
    owner: 'reporting-batch-jobs',
    used: '3d ago',
    description: 'Exports the warehouse every night to the analytics cluster',
  },
  { id: 'key_abcdefghij', name: 'short', owner: 'ops@example.com', used: 'Never', description: '' },
];
const widthsOf = (rows: string[][]) => COLUMNS.map((c, i) => Math.max(c.header.length, ...rows.map((r) => [...r[i]!].length)));
const lineWidth = (rows: string[][]) => widthsOf(rows).reduce((a, b) => a + b, 0) + 2 * (COLUMNS.length - 1);

test('a table that fits is left whole', () => {
  const rows = fitTable(ROWS, COLUMNS, 300);
  expect(rows[0]).toEqual(['key_0123456789', ROWS[0]!.name, 'reporting-batch-jobs', '3d ago from 203.0.113.77', ROWS[0]!.description]);
});

test('too wide: the compact texts first, and nothing is cut when that is enough', () => {
  const full = lineWidth(fitTable(ROWS, COLUMNS, 1000));
  const rows = fitTable(ROWS, COLUMNS, full - 10);
  expect(rows[0]![3]).toBe('3d ago');
  expect(rows.flat().join('')).not.toContain('…');
});

test('then the description gives up width alone, down to MIN_CUT, before anything else is cut', () => {
  const compactWidth = lineWidth(fitTable(ROWS, COLUMNS, 1000).map((r, i) => [...r.slice(0, 3), ROWS[i]!.used, r[4]!]));
  const target = compactWidth - (ROWS[0]!.description.length - 'DESCRIPTION'.length);
  const rows = fitTable(ROWS, COLUMNS, target);
  expect(lineWidth(rows)).toBeLessThanOrEqual(target);
  expect(rows[0]!.slice(0, 3)).toEqual(['key_0123456789', ROWS[0]!.name, 'reporting-batch-jobs']);
  expect(rows[0]![4]).toMatch(/^Exports t\S*…$/);
  expect([...rows[0]![4]!].length).toBe('DESCRIPTION'.length);
});

test('then owners, down to MIN_CUT, while the name keeps NAME_KEEP characters', () => {
  // ID 14, NAME 20, OWNER 8, LAST USED 9, DESCRIPTION 11 and four gaps: 70.
  const rows = fitTable(ROWS, COLUMNS, 70);
  expect(lineWidth(rows)).toBe(70);
  expect(rows[0]![1]).toBe(`${ROWS[0]!.name.slice(0, NAME_KEEP - 1)}…`);
  expect(rows[0]![2]).toBe('reporti…');
  expect([...rows[0]![2]!].length).toBe(MIN_CUT);
});

test('a name goes below NAME_KEEP only when every other column is at its floor, and never below MIN_CUT', () => {
  const rows = fitTable(ROWS, COLUMNS, 65);
  expect(lineWidth(rows)).toBe(65);
  expect([...rows[0]![1]!].length).toBe(NAME_KEEP - 5);
  const narrowest = fitTable(ROWS, COLUMNS, 10);
  expect([...narrowest[0]![1]!].length).toBe(MIN_CUT);
  expect([...narrowest[0]![2]!].length).toBe(MIN_CUT);
  expect(narrowest[0]![0]).toBe('key_0123456789');
});

test('api-key list in 100 columns tells terraform-ci from terraform-ci-2025: the owner and creator give way first', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const key = (id: string, name: string) =>
    ({
      id,
      name,
      status: 'active',
      owner_id: 'sa_terraform',
      created_by: 'usr_platform',
      created_at: '2026-05-29T12:00:00Z',
      last_used_at: '2026-06-01T11:55:00Z',
      last_used_ip: '203.0.113.77',
      expires_at: null,
    }) as ApiKey;
  const keys = [key('key_0VciMtmb01Sn7qa5htlV', 'terraform-ci'), key('key_0VciRcpI07YpmmnoWhLo', 'terraform-ci-2025')];
  const names = new Map([
    ['sa_terraform', 'platform-terraform-automation'],
    ['usr_platform', 'platform-admin@example.com'],
  ]);
  const { table } = apiKeyView(names, now);
  const rows = fitTable(keys, table, 100);
  const width = table.reduce((sum, c, i) => sum + Math.max(c.header.length, ...rows.map((r) => [...r[i]!].length)), 0) + 2 * (table.length - 1);
  expect(width).toBeLessThanOrEqual(100);
  const [short, long] = rows.map((r) => r[1]!);
  expect(short).toBe('terraform-ci');
  expect(long).toMatch(/^terraform-ci-/);
  expect(long).not.toBe(short);
  // The owner and creator are what shrank.
  expect(rows[0]![3]).toMatch(/^platfor…$/);
  expect(rows[0]![4]).toMatch(/^platform-…$/);
});

test('ellipsize counts characters, not UTF-16 units', () => {
  expect(ellipsize('ключ-для-отчётов', 6)).toBe('ключ-…');
  expect(ellipsize('short', 6)).toBe('short');
});
