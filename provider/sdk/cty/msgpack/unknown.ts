/**
 * @module cty/msgpack/unknown
 * Unknown values on the wire (go-cty cty/msgpack/unknown.go, docs/sdk/value-encoding.md#unknown-values).
 *
 * - Any msgpack extension is an unknown. A payload of 0 or 1 byte is a plain unknown whatever its extension
 *   type; we write the 3-byte fixext1 `d4 00 00`, as cty does.
 * - A longer payload must have extension type 12 and holds the refinements as a msgpack map with small
 *   integer keys: 1 nullness (a bool meaning "could be null": `false` = definitely not null), 2 string
 *   prefix, 3/4 number lower/upper bound as `[number, inclusive]`, 5/6 collection length lower/upper bound.
 *   Observed from Terraform 1.11: `c7 07 0c 82 01 c2 02 a2 62 2d` = not null, prefix "b-".
 * - Decoding is forward compatible like cty's: unknown keys are skipped, bytes after the map are ignored
 *   (room for later extensions), but a payload over 1 KiB is refused as abusive.
 */
import { ExtData, Encoder } from '@msgpack/msgpack';
import { NEG_INF, NumberSyntaxError, POS_INF, canonicalNumber, compareNumbers } from '../number';
import { type Path, PathError } from '../path';
import type { Type } from '../types';
import { type NumberBound, type Refinement, Value } from '../value';
import { type Ext, Reader, decodeUTF8 } from './reader';

/** Extension type of a refined unknown (cty's unknownWithRefinementsExt). */
export const REFINED_EXT = 0x0c;
/** cty refuses refinement payloads larger than this. */
export const MAX_REFINEMENT_BYTES = 1024;
/** cty truncates string prefixes to this many bytes when writing, to stay well inside the 1 KiB limit. */
export const MAX_PREFIX_BYTES = 256;

const KEY_NULLNESS = 1;
const KEY_PREFIX = 2;
const KEY_NUMBER_LOWER = 3;
const KEY_NUMBER_UPPER = 4;
const KEY_LENGTH_LOWER = 5;
const KEY_LENGTH_UPPER = 6;

/** The plain unknown: fixext1 of type 0 with one zero byte, `d4 00 00`. */
export const PLAIN_UNKNOWN = new ExtData(0, new Uint8Array([0]));

// Refinement payloads are small; one shared encoder (re-entrant: it clones itself when busy) is enough.
const payloadEncoder = new Encoder({ useBigInt64: true });
const utf8 = new TextEncoder();

type Tree = unknown;

/**
 * The extension for an unknown in a slot of type `t`. Only refinements that apply to the slot's type are
 * written (cty has no way to hold the others), and none for the dynamic type (cty.DynamicVal never has any).
 * Refinements that say nothing (no prefix, a lower length of 0, a bound at the infinite end) are left out,
 * and with nothing left we fall back to the plain unknown, again as cty does.
 */
export function encodeUnknown(v: Value, t: Type, path: Path, numberTree: (n: string) => Tree): ExtData {
  const given = v.refinement;
  if (!given || t.kind === 'dynamic' || v.type.kind === 'dynamic') return PLAIN_UNKNOWN;
  const r: Refinement = { ...given, numberLower: canonicalBound(given.numberLower, path), numberUpper: canonicalBound(given.numberUpper, path) };
  checkConsistent(r, path);
  const entries: Array<[number, Tree]> = [];
  if (r.notNull) entries.push([KEY_NULLNESS, false]);
  switch (t.kind) {
    case 'string':
      if (r.stringPrefix) entries.push([KEY_PREFIX, truncatePrefix(r.stringPrefix.normalize('NFC'))]);
      break;
    case 'number':
      // cty leaves out a lower bound of -Infinity and an upper bound of +Infinity: they exclude nothing.
      if (r.numberLower && r.numberLower.value !== NEG_INF) entries.push([KEY_NUMBER_LOWER, [numberTree(r.numberLower.value), r.numberLower.inclusive]]);
      if (r.numberUpper && r.numberUpper.value !== POS_INF) entries.push([KEY_NUMBER_UPPER, [numberTree(r.numberUpper.value), r.numberUpper.inclusive]]);
      break;
    case 'list':
    case 'set':
    case 'map':
      if (r.lengthLower) entries.push([KEY_LENGTH_LOWER, r.lengthLower]);
      if (r.lengthUpper !== undefined) entries.push([KEY_LENGTH_UPPER, r.lengthUpper]);
      break;
    default:
      break;
  }
  if (entries.length === 0) return PLAIN_UNKNOWN;
  // The map has at most six small-integer keys: a fixmap header and positive-fixint keys, then each value as
  // msgpack. @msgpack/msgpack cannot write integer map keys itself (it writes JS object keys as strings).
  const parts: Uint8Array[] = [new Uint8Array([0x80 | entries.length])];
  for (const [k, val] of entries) parts.push(new Uint8Array([k]), payloadEncoder.encode(val));
  const payload = concat(parts);
  if (payload.length > MAX_REFINEMENT_BYTES) {
    throw new PathError(path, `the refinements of this unknown take ${payload.length} bytes, over Terraform's limit of ${MAX_REFINEMENT_BYTES}`);
  }
  return new ExtData(REFINED_EXT, payload);
}

/**
 * At most MAX_PREFIX_BYTES of UTF-8, cut on a character boundary. A shorter prefix is still a true
 * statement about the final string, so truncating loses detail but never correctness.
 */
export function truncatePrefix(prefix: string): string {
  const bytes = utf8.encode(prefix);
  if (bytes.length <= MAX_PREFIX_BYTES) return prefix;
  let cut = MAX_PREFIX_BYTES;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--; // back off continuation bytes to a lead byte
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, cut));
}

/**
 * The value an extension stands for in a slot of type `t`. `readNumber` decodes a bound's number with the
 * same rules as any number (cty reuses its own unmarshal for them too).
 */
export function decodeUnknown(ext: Ext, t: Type, path: Path, readNumber: (r: Reader, path: Path) => string): Value {
  const len = ext.data.length;
  // 0 or 1 byte of payload: a plain unknown, whatever the extension type (cty ignores that byte).
  if (len <= 1) return Value.unknown(t);
  if (ext.type !== REFINED_EXT) {
    // Only type 12 may carry a body; this is the check that rejects 2-byte `[0]`-style unknowns.
    throw new PathError(path, `unsupported extension type 0x${(ext.type & 0xff).toString(16).padStart(2, '0')} with len ${len}`);
  }
  if (len > MAX_REFINEMENT_BYTES) throw new PathError(path, `oversize unknown value refinement (${len} bytes, limit ${MAX_REFINEMENT_BYTES})`);

  const r = new Reader(ext.data);
  const count = r.readMapHeader(path, 'a refinement map');
  // cty ignores every refinement of a dynamically typed unknown (it cannot hold any), after checking the shape.
  if (t.kind === 'dynamic') return Value.unknown(t);

  const out: { -readonly [K in keyof Refinement]: Refinement[K] } = {};
  let definitelyNull = false;
  for (let i = 0; i < count; i++) {
    const key = r.readSmallInt(path, 'a refinement key');
    switch (key) {
      case KEY_NULLNESS:
        if (r.readBool(path)) definitelyNull = true;
        else out.notNull = true;
        break;
      case KEY_PREFIX:
        if (t.kind !== 'string') throw refinementError(path, 'a string prefix refinement for a non-string type');
        // cty normalises the prefix like any string, so it compares with the (normalised) final value.
        out.stringPrefix = decodeUTF8(r.readStringBytes(path, 'a string prefix'), path).normalize('NFC');
        break;
      case KEY_NUMBER_LOWER:
      case KEY_NUMBER_UPPER: {
        if (t.kind !== 'number') throw refinementError(path, 'a number bound refinement for a non-number type');
        const bound = readBound(r, path, readNumber);
        if (key === KEY_NUMBER_LOWER) out.numberLower = bound;
        else out.numberUpper = bound;
        break;
      }
      case KEY_LENGTH_LOWER:
      case KEY_LENGTH_UPPER: {
        if (t.kind !== 'list' && t.kind !== 'set' && t.kind !== 'map') throw refinementError(path, 'a length bound refinement for a non-collection type');
        const n = r.readSmallInt(path, 'a length bound');
        if (n < 0) throw refinementError(path, `a negative length bound (${n})`);
        if (key === KEY_LENGTH_LOWER) out.lengthLower = n;
        else out.lengthUpper = n;
        break;
      }
      default:
        // A key from a later cty: skip its value, so the keys after it are still read correctly.
        r.skip(path);
    }
  }
  // cty's refinement builder turns "definitely null" into the known null it must be; so do we, since our
  // Refinement has no way to say it.
  if (definitelyNull) return Value.null(t);
  checkConsistent(out, path);
  return Value.unknown(t, out);
}

function readBound(r: Reader, path: Path, readNumber: (r: Reader, path: Path) => string): NumberBound {
  const c = r.peek(path);
  if (!((c >= 0x90 && c <= 0x9f) || c === 0xdc || c === 0xdd) || r.readArrayHeader(path, 'a number bound') !== 2) {
    throw refinementError(path, 'a number bound must be a [number, bool] array');
  }
  const value = readNumber(r, path);
  const inclusive = r.readBool(path);
  return { value, inclusive };
}

/**
 * cty panics on contradictory refinements (a lower bound above the upper one), which would crash Terraform
 * if we sent them, and could not come from Terraform: refuse them both ways.
 */
function checkConsistent(r: Refinement, path: Path): void {
  const lo = r.numberLower;
  const hi = r.numberUpper;
  if (lo && hi) {
    const cmp = compareNumbers(lo.value, hi.value);
    if (cmp > 0 || (cmp === 0 && lo.inclusive !== hi.inclusive)) {
      throw refinementError(path, `number lower bound ${lo.value} is above upper bound ${hi.value}`);
    }
  }
  for (const n of [r.lengthLower, r.lengthUpper]) {
    if (n !== undefined && !(Number.isSafeInteger(n) && n >= 0)) throw refinementError(path, `length bound ${n} is not a whole number of elements`);
  }
  if (r.lengthLower !== undefined && r.lengthUpper !== undefined && r.lengthUpper < r.lengthLower) {
    throw refinementError(path, `length upper bound ${r.lengthUpper} is below lower bound ${r.lengthLower}`);
  }
}

function canonicalBound(b: NumberBound | undefined, path: Path): NumberBound | undefined {
  if (!b) return undefined;
  try {
    return { value: canonicalNumber(b.value), inclusive: b.inclusive };
  } catch (e) {
    if (e instanceof NumberSyntaxError) throw refinementError(path, `bound ${JSON.stringify(b.value)} is not a number`);
    throw e;
  }
}

function refinementError(path: Path, what: string): PathError {
  return new PathError(path, `invalid unknown value refinement: ${what}`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
