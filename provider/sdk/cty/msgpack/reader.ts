/**
 * @module cty/msgpack/reader
 * A pull reader over msgpack bytes: the decoder asks for "an array header", "a string", "a number" at the
 * position the schema type says, and every failure is a PathError at the path it is given.
 *
 * Why not @msgpack/msgpack's decoder: it only decodes a whole tree, which loses what a type-directed decoder
 * needs: bin vs str is kept, but a map with a repeated key collapses (so "an object with N attributes" could
 * not be counted), `__proto__` keys are refused, extensions must be registered up front, and a truncated
 * message fails with a bare RangeError that cannot say which attribute it was reading. The byte format is
 * small and fixed (msgpack spec, "formats"), so we read it here; the tests check this reader against
 * @msgpack/msgpack's encoder. int64/uint64 are read with DataView's BigInt getters, so no precision is lost.
 */
import { type Path, PathError } from '../path';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** An extension value: `type` is the signed 8-bit extension type, `data` a view of its payload. */
export interface Ext {
  readonly type: number;
  readonly data: Uint8Array;
}

export const NIL = 0xc0;

export function isExtCode(c: number): boolean {
  return (c >= 0xc7 && c <= 0xc9) || (c >= 0xd4 && c <= 0xd8);
}

export function isArrayCode(c: number): boolean {
  return (c >= 0x90 && c <= 0x9f) || c === 0xdc || c === 0xdd;
}

/** What a msgpack format code holds, for messages ("a number is required, got map"). */
export function describeCode(c: number): string {
  if (c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3)) return 'integer';
  if (c <= 0x8f || c === 0xde || c === 0xdf) return 'map';
  if (c <= 0x9f || c === 0xdc || c === 0xdd) return 'array';
  if (c <= 0xbf || (c >= 0xd9 && c <= 0xdb)) return 'string';
  if (c === NIL) return 'nil';
  if (c === 0xc2 || c === 0xc3) return 'bool';
  if (c >= 0xc4 && c <= 0xc6) return 'binary';
  if (c === 0xca || c === 0xcb) return 'float';
  if (isExtCode(c)) return 'extension';
  return `invalid code 0x${c.toString(16)}`;
}

export class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** The next format code, without consuming it. */
  peek(path: Path): number {
    if (this.pos >= this.bytes.length) throw truncated(path);
    return this.bytes[this.pos]!;
  }

  /** Consumes a nil if one is next. */
  tryNil(): boolean {
    if (this.bytes[this.pos] !== NIL) return false;
    this.pos++;
    return true;
  }

  readExt(path: Path): Ext {
    const c = this.byte(path);
    let len: number;
    switch (c) {
      case 0xd4:
        len = 1;
        break;
      case 0xd5:
        len = 2;
        break;
      case 0xd6:
        len = 4;
        break;
      case 0xd7:
        len = 8;
        break;
      case 0xd8:
        len = 16;
        break;
      case 0xc7:
        len = this.byte(path);
        break;
      case 0xc8:
        len = this.u16(path);
        break;
      case 0xc9:
        len = this.u32(path);
        break;
      default:
        throw mismatch(path, 'an extension', c);
    }
    this.need(1, path);
    const type = this.view.getInt8(this.pos++);
    return { type, data: this.take(len, path) };
  }

  readBool(path: Path): boolean {
    const c = this.peek(path);
    if (c !== 0xc2 && c !== 0xc3) throw mismatch(path, 'a bool', c);
    this.pos++;
    return c === 0xc3;
  }

  /** Header of an array: its element count. */
  readArrayHeader(path: Path, what: string): number {
    const c = this.peek(path);
    let n: number;
    if (c >= 0x90 && c <= 0x9f) {
      this.pos++;
      n = c & 0x0f;
    } else if (c === 0xdc) {
      this.pos++;
      n = this.u16(path);
    } else if (c === 0xdd) {
      this.pos++;
      n = this.u32(path);
    } else {
      throw mismatch(path, what, c);
    }
    // Every element takes at least a byte: a count beyond the rest of the input is a truncated (or hostile)
    // message, refused before anything is allocated for it.
    if (n > this.remaining) throw truncated(path);
    return n;
  }

  /** Header of a map: its entry count. */
  readMapHeader(path: Path, what: string): number {
    const c = this.peek(path);
    let n: number;
    if (c >= 0x80 && c <= 0x8f) {
      this.pos++;
      n = c & 0x0f;
    } else if (c === 0xde) {
      this.pos++;
      n = this.u16(path);
    } else if (c === 0xdf) {
      this.pos++;
      n = this.u32(path);
    } else {
      throw mismatch(path, what, c);
    }
    if (n * 2 > this.remaining) throw truncated(path);
    return n;
  }

  /**
   * The raw bytes of a str or a bin. go-msgpack's DecodeString and DecodeBytes (used by cty) take either
   * form, so we do too.
   */
  readStringBytes(path: Path, what: string): Uint8Array {
    const c = this.peek(path);
    let len: number;
    if (c >= 0xa0 && c <= 0xbf) {
      this.pos++;
      len = c & 0x1f;
    } else if (c === 0xd9 || c === 0xc4) {
      this.pos++;
      len = this.byte(path);
    } else if (c === 0xda || c === 0xc5) {
      this.pos++;
      len = this.u16(path);
    } else if (c === 0xdb || c === 0xc6) {
      this.pos++;
      len = this.u32(path);
    } else {
      throw mismatch(path, what, c);
    }
    return this.take(len, path);
  }

  readString(path: Path, what: string): string {
    return decodeUTF8(this.readStringBytes(path, what), path);
  }

  /**
   * A number as decimal text: every int and uint width, float32/float64, or a decimal string (cty sends a
   * string for anything that int64 or float64 cannot hold exactly). Floats come back as the exact decimal
   * value of the binary float, as cty.NumberFloatVal holds them.
   */
  readNumber(path: Path): number | bigint | string {
    const c = this.peek(path);
    if (c <= 0x7f) {
      this.pos++;
      return c;
    }
    if (c >= 0xe0) {
      this.pos++;
      return c - 0x100;
    }
    switch (c) {
      case 0xcc:
        this.pos++;
        return this.byte(path);
      case 0xcd:
        this.pos++;
        return this.u16(path);
      case 0xce:
        this.pos++;
        return this.u32(path);
      case 0xcf:
        this.pos++;
        this.need(8, path);
        this.pos += 8;
        return this.view.getBigUint64(this.pos - 8);
      case 0xd0:
        this.pos++;
        this.need(1, path);
        this.pos += 1;
        return this.view.getInt8(this.pos - 1);
      case 0xd1:
        this.pos++;
        this.need(2, path);
        this.pos += 2;
        return this.view.getInt16(this.pos - 2);
      case 0xd2:
        this.pos++;
        this.need(4, path);
        this.pos += 4;
        return this.view.getInt32(this.pos - 4);
      case 0xd3:
        this.pos++;
        this.need(8, path);
        this.pos += 8;
        return this.view.getBigInt64(this.pos - 8);
      case 0xca:
        this.pos++;
        this.need(4, path);
        this.pos += 4;
        return this.view.getFloat32(this.pos - 4);
      case 0xcb:
        this.pos++;
        this.need(8, path);
        this.pos += 8;
        return this.view.getFloat64(this.pos - 8);
      default:
        if ((c >= 0xa0 && c <= 0xbf) || (c >= 0xd9 && c <= 0xdb) || (c >= 0xc4 && c <= 0xc6)) return this.readString(path, 'a number');
        throw mismatch(path, 'a number', c);
    }
  }

  /** An integer that fits a JS number exactly (refinement keys and length bounds). */
  readSmallInt(path: Path, what: string): number {
    const c = this.peek(path);
    const isInt = c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3);
    if (!isInt) throw mismatch(path, what, c);
    const n = this.readNumber(path);
    if (typeof n === 'bigint') {
      if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) throw new PathError(path, `${what} is out of range`);
      return Number(n);
    }
    return n as number;
  }

  /** Skips one whole value of any kind (unknown refinement keys carry values we do not understand). */
  skip(path: Path): void {
    const c = this.peek(path);
    if (c <= 0x7f || c >= 0xe0 || c === NIL || c === 0xc2 || c === 0xc3) {
      this.pos++;
    } else if ((c >= 0xcc && c <= 0xd3) || c === 0xca || c === 0xcb) {
      this.readNumber(path);
    } else if ((c >= 0xa0 && c <= 0xbf) || (c >= 0xd9 && c <= 0xdb) || (c >= 0xc4 && c <= 0xc6)) {
      this.readStringBytes(path, 'a value');
    } else if (isArrayCode(c)) {
      const n = this.readArrayHeader(path, 'a value');
      for (let i = 0; i < n; i++) this.skip(path);
    } else if ((c >= 0x80 && c <= 0x8f) || c === 0xde || c === 0xdf) {
      const n = this.readMapHeader(path, 'a value');
      for (let i = 0; i < 2 * n; i++) this.skip(path);
    } else if (isExtCode(c)) {
      this.readExt(path);
    } else {
      throw new PathError(path, `invalid msgpack code 0x${c.toString(16)}`);
    }
  }

  // ---- bytes ----------------------------------------------------------------------------------------------

  private need(n: number, path: Path): void {
    if (this.pos + n > this.bytes.length) throw truncated(path);
  }

  private byte(path: Path): number {
    this.need(1, path);
    return this.bytes[this.pos++]!;
  }

  private u16(path: Path): number {
    this.need(2, path);
    this.pos += 2;
    return this.view.getUint16(this.pos - 2);
  }

  private u32(path: Path): number {
    this.need(4, path);
    this.pos += 4;
    return this.view.getUint32(this.pos - 4);
  }

  private take(n: number, path: Path): Uint8Array {
    this.need(n, path);
    this.pos += n;
    return this.bytes.subarray(this.pos - n, this.pos);
  }
}

/**
 * Strict UTF-8: Terraform never sends invalid UTF-8 (HCL and its functions refuse it), so a bad sequence
 * means a broken message, reported rather than replaced. The BOM is kept: it is text, not a marker, here.
 */
export function decodeUTF8(b: Uint8Array, path: Path): string {
  // TextDecoder is also the fastest option for short ASCII (measured: ~3x faster than String.fromCharCode.apply).
  try {
    return utf8.decode(b);
  } catch {
    throw new PathError(path, 'string is not valid UTF-8');
  }
}

function truncated(path: Path): PathError {
  return new PathError(path, 'unexpected end of msgpack data');
}

/** "a number is required, got map": `what` is the expected thing with its article. */
export function mismatch(path: Path, what: string, code: number): PathError {
  return new PathError(path, `${what} is required, got ${describeCode(code)}`);
}
