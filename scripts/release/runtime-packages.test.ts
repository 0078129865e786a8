import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimePackage } from './platforms';
import { runtimeBinary, sha512Integrity } from './runtime-packages';

describe('runtime packages', () => {
  let dir: string;
  let pkg: RuntimePackage;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyplane-runtime-'));
    mkdirSync(join(dir, 'src/package/bin'), { recursive: true });
    writeFileSync(join(dir, 'src/package/bin/node'), 'not really node');
    mkdirSync(join(dir, 'cache'));
    const tgz = join(dir, 'cache/node-test-runtime-1.0.0.tgz');
    execFileSync('tar', ['-czf', tgz, '-C', join(dir, 'src'), 'package']);
    pkg = { name: 'node-test-runtime', version: '1.0.0', integrity: sha512Integrity(readFileSync(tgz)), binary: 'package/bin/node' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('integrity is the registry form: sha512- and base64', () => {
    expect(sha512Integrity(Buffer.from(''))).toBe('sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==');
  });

  test('a cached tarball with the pinned integrity is used as it is, with no registry', () => {
    const log: string[] = [];
    expect(runtimeBinary(pkg, join(dir, 'cache'), (l) => log.push(l)).toString()).toBe('not really node');
    expect(log).toEqual([]);
  });
});
