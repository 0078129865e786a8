import { execFileSync } from 'node:child_process';
import { packageRoot } from '../../cli/version';
import { sourceDate } from './source-date';

const ROOT = packageRoot(__dirname);

describe('sourceDate', () => {
  test('SOURCE_DATE_EPOCH when set; else the time of the commit checked out', () => {
    expect(sourceDate(ROOT, { SOURCE_DATE_EPOCH: '1767225600' }).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const commit = Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: ROOT, encoding: 'utf8' }));
    expect(sourceDate(ROOT, {}).getTime()).toBe(commit * 1000);
    expect(sourceDate(ROOT, { SOURCE_DATE_EPOCH: '' }).getTime()).toBe(commit * 1000);
  });

  test('a SOURCE_DATE_EPOCH that is not whole seconds is refused', () => {
    expect(() => sourceDate(ROOT, { SOURCE_DATE_EPOCH: '2026-01-01' })).toThrow(/SOURCE_DATE_EPOCH must be seconds since 1970/);
  });
});
