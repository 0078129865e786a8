import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileFromTgz } from './tar';

describe('fileFromTgz', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyplane-tar-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(['gnu', 'pax'])('finds a file among others, and one whose path is longer than 100 bytes (%s tar)', (format) => {
    const deep = `package/${'d'.repeat(60)}/${'e'.repeat(60)}`;
    mkdirSync(join(dir, format, deep), { recursive: true });
    mkdirSync(join(dir, format, 'package/bin'), { recursive: true });
    writeFileSync(join(dir, format, 'package/README.md'), 'readme');
    writeFileSync(join(dir, format, 'package/bin/node'), Buffer.alloc(1500, 7));
    writeFileSync(join(dir, format, deep, 'long.txt'), 'long');
    const tgz = join(dir, `${format}.tgz`);
    execFileSync('tar', ['-czf', tgz, `--format=${format}`, '-C', join(dir, format), 'package']);
    const data = readFileSync(tgz);
    expect(fileFromTgz(data, 'package/bin/node')).toEqual(Buffer.alloc(1500, 7));
    expect(fileFromTgz(data, `${deep}/long.txt`).toString()).toBe('long');
    expect(() => fileFromTgz(data, 'package/bin/node.exe')).toThrow('package/bin/node.exe is not in the package');
  });
});
