/**
 * Terraform's `h1:` hash (dirhash Hash1) against vectors worked out outside this code, with coreutils:
 *   printf 'data for abc' > abc; printf 'data for xyz' > xyz
 *   sha256sum abc xyz | sha256sum | cut -d' ' -f1 | xxd -r -p | base64
 * (the summary Hash1 hashes is exactly sha256sum's output over the files in sorted order).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dirFiles, hash1, hashDir } from './dirhash';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyplane-dirhash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const contents = (name: string) => Buffer.from(`data for ${name}`);

test('two files: the coreutils vector, whatever order the names come in', () => {
  expect(hash1(['abc', 'xyz'], contents)).toBe('h1:EP6WfDoQTSk9klnxcjriWJOGztueJUywHNmWeq+efB8=');
  expect(hash1(['xyz', 'abc'], contents)).toBe('h1:EP6WfDoQTSk9klnxcjriWJOGztueJUywHNmWeq+efB8=');
});

test('a directory: every file below it, by slash-separated relative name in byte order', () => {
  // LC_ALL=C find . -type f | sed 's|^\./||' | sort | xargs sha256sum | sha256sum, as base64
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'abc'), 'data for abc');
  writeFileSync(join(dir, 'xyz'), 'data for xyz');
  writeFileSync(join(dir, 'sub', 'run'), '#!/bin/sh\n');
  writeFileSync(join(dir, 'a-b'), 'x');
  expect(dirFiles(dir).sort()).toEqual(['a-b', 'abc', 'sub/run', 'xyz']);
  expect(hashDir(dir)).toBe('h1:Q6gC0j2kM6V0NaYsJmM5M+BVi8IE4UZIHyi8/V9jheE=');
});

test('names sort by UTF-8 bytes as Go does, not by UTF-16 units as JavaScript does', () => {
  // U+FF5E is EF BD 9E in UTF-8 and sorts before U+1F600 (F0 9F 98 80); as UTF-16 (FF5E vs D83D) it sorts after.
  const names = ['\u{1F600}', '\uFF5E'];
  const line = (name: string) => `${createHash('sha256').update(contents(name)).digest('hex')}  ${name}\n`;
  const expected = `h1:${createHash('sha256')
    .update(line('\uFF5E') + line('\u{1F600}'))
    .digest('base64')}`;
  expect(hash1(names, contents)).toBe(expected);
});

test('a file name with a newline is refused, as dirhash refuses it', () => {
  expect(() => hash1(['a\nb'], contents)).toThrow(/newline/);
});
