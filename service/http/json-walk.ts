/**
 * One walk over a parsed JSON value for the checks that look at every string of a request (NUL characters,
 * lone surrogates, bytes that were not UTF-8) and at its nesting. It keeps its own stack instead of recursing,
 * so no input can exhaust the call stack, and it visits in document order, so the first problem it reports is
 * the first in the request.
 * @module
 */

/** What `findInJson` found: a string value, an object key (reported at the object holding it) or a value nested too deep. */
export interface JsonFinding {
  /** Dotted path as the API's `field` writes it (`labels.team`, `scopes[2]`); '' for the value itself. */
  path: string;
  kind: 'value' | 'key' | 'depth';
}

export interface WalkOptions {
  /** Arrays and objects deeper than this (the value itself is level 1) are a `depth` finding. */
  maxDepth?: number;
  /** Paths whose value (and keys) the walk leaves alone. */
  skip?: (path: string) => boolean;
}

interface Pending {
  value: unknown;
  path: string;
  depth: number;
  /** The key this value sits under, checked when the value is reached, so findings come in document order. */
  key?: string;
  holder: string;
}

/** The first string or object key under `root` for which `bad` holds, or the first array or object nested past `maxDepth`. */
export function findInJson(
  root: unknown,
  bad: (text: string) => boolean,
  { maxDepth = Number.POSITIVE_INFINITY, skip }: WalkOptions = {},
): JsonFinding | undefined {
  const stack: Pending[] = [{ value: root, path: '', depth: 1, holder: '' }];
  while (stack.length > 0) {
    const { value, path, depth, key, holder } = stack.pop()!;
    if (key !== undefined && bad(key)) return { path: holder, kind: 'key' };
    if (typeof value === 'string') {
      if (bad(value)) return { path, kind: 'value' };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > maxDepth) return { path, kind: 'depth' };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1, holder: path });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      const at = path ? `${path}.${k}` : k;
      if (skip?.(at)) continue;
      stack.push({ value: (value as Record<string, unknown>)[k], path: at, depth: depth + 1, key: k, holder: path });
    }
  }
  return undefined;
}
