/**
 * @module cty/path
 * Paths into a value, as Terraform's AttributePath: attribute names, string keys (maps, map blocks) and
 * integer indexes (lists, tuples, list blocks). Set elements have no stable address, so a path stops at the set.
 */

export type PathStep = { readonly attr: string } | { readonly key: string } | { readonly index: number };

export type Path = readonly PathStep[];

export const root: Path = Object.freeze([]);

export function attr(path: Path, name: string): Path {
  return [...path, { attr: name }];
}
export function key(path: Path, k: string): Path {
  return [...path, { key: k }];
}
export function index(path: Path, i: number): Path {
  return [...path, { index: i }];
}

/** `.rule[1].port`, `.labels["env"]`; the empty path is the whole value. */
export function formatPath(path: Path): string {
  return path.map((s) => ('attr' in s ? `.${s.attr}` : 'key' in s ? `[${JSON.stringify(s.key)}]` : `[${s.index}]`)).join('');
}

export function pathEquals(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((s, i) => stepEquals(s, b[i]!));
}

export function stepEquals(a: PathStep, b: PathStep): boolean {
  if ('attr' in a) return 'attr' in b && a.attr === b.attr;
  if ('key' in a) return 'key' in b && a.key === b.key;
  return 'index' in b && a.index === b.index;
}

/** True when prefix is a prefix of path (or equal to it). */
export function hasPrefix(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => stepEquals(s, path[i]!));
}

/**
 * An error that knows where in a value it happened. Wrapping one in another joins the two paths, as
 * cty's error.go does, so a deep failure reads `.rule[1].port: a number is required`.
 */
export class PathError extends Error {
  readonly code = 'path_error';
  constructor(
    readonly path: Path,
    readonly reason: string,
  ) {
    super(path.length > 0 ? `${formatPath(path)}: ${reason}` : reason);
  }

  static at(path: Path, err: unknown): PathError {
    if (err instanceof PathError) return new PathError([...path, ...err.path], err.reason);
    return new PathError(path, err instanceof Error ? err.message : String(err));
  }
}
