/**
 * Terraform's `h1:` package hash: golang.org/x/mod/sumdb/dirhash Hash1 over every file of an unpacked
 * provider package directory (`dirhash.HashDir(packageDir, "", dirhash.Hash1)` in Terraform's
 * getproviders.PackageHashV1). Hash1 is "h1:" + base64(SHA-256(summary)), the summary holding one line per
 * file, sorted by name as Go's sort.Strings does (bytewise): hex SHA-256 of the content, two spaces, the
 * slash-separated relative name, "\n". That is `find . -type f | sort | sha256sum`, without the "./".
 * @module
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Go compares strings bytewise; JavaScript's default sort compares UTF-16 units, which differs past U+FFFF. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** dirhash.Hash1: the named files, their contents from `open`. */
export function hash1(files: readonly string[], open: (name: string) => Buffer): string {
  const summary = createHash('sha256');
  for (const name of [...files].sort(byteOrder)) {
    if (name.includes('\n')) throw new Error(`dirhash: file name ${JSON.stringify(name)} holds a newline, which h1 cannot hash`);
    const digest = createHash('sha256').update(open(name)).digest('hex');
    summary.update(`${digest}  ${name}\n`);
  }
  return `h1:${summary.digest('base64')}`;
}

/**
 * dirhash.DirFiles with an empty prefix: every non-directory below `dir`, as relative slash-separated
 * names. Like Go's filepath.Walk (which lstats), a symlink counts as a file and is not descended into.
 */
export function dirFiles(dir: string, under = ''): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(join(dir, under), { withFileTypes: true })) {
    const name = under ? `${under}/${entry.name}` : entry.name;
    if (entry.isDirectory()) names.push(...dirFiles(dir, name));
    else names.push(name);
  }
  return names;
}

/** The `h1:` hash Terraform records in .terraform.lock.hcl for the unpacked package directory `dir`. */
export function hashDir(dir: string): string {
  return hash1(dirFiles(dir), (name) => readFileSync(join(dir, name)));
}
