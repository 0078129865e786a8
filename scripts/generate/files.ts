/**
 * Generated files are written, or checked (`--check`, and the staleness test): the same list of
 * (path, content) either replaces what is on disk or is compared with it. A generator owns whole folders, so
 * a file left in one of them that the generator no longer makes is stale too.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { packageRoot } from '../../cli/version';

/** The repository root, from the sources or from dist/. */
export const ROOT = packageRoot(__dirname);

export interface GeneratedFile {
  /** Relative to the repository root, with forward slashes. */
  path: string;
  content: string;
}

export interface Generated {
  files: GeneratedFile[];
  /** Folders (repository-relative) the generator owns entirely. */
  owns: string[];
}

function listFiles(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split('\\').join('/'));
}

/** What differs between the generated set and the tree: files to write and files to delete. */
export function compare(gen: Generated, root = ROOT): { stale: string[]; extra: string[] } {
  const stale = gen.files.filter((f) => !existsSync(join(root, f.path)) || readFileSync(join(root, f.path), 'utf8') !== f.content).map((f) => f.path);
  const made = new Set(gen.files.map((f) => f.path));
  const extra = gen.owns.flatMap((d) => listFiles(root, d)).filter((p) => !made.has(p));
  return { stale, extra };
}

/** Writes what changed and removes what the generator no longer makes; returns the paths touched. */
export function write(gen: Generated, root = ROOT): string[] {
  const { stale, extra } = compare(gen, root);
  const byPath = new Map(gen.files.map((f) => [f.path, f.content]));
  for (const p of stale) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), byPath.get(p)!);
  }
  for (const p of extra) rmSync(join(root, p));
  return [...stale, ...extra];
}
