/**
 * Base62 with the ASCII-ordered alphabet 0-9A-Za-z, so fixed-width encodings sort like the numbers they hold.
 * @module
 */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const INDEX = new Map([...BASE62_ALPHABET].map((c, i) => [c, i] as const));

/** Encodes a non-negative integer, left-padded with '0' to `width` characters. */
export function encodeBase62(value: bigint, width: number): string {
  let out = '';
  let v = value;
  while (v > 0n) {
    out = BASE62_ALPHABET[Number(v % 62n)] + out;
    v /= 62n;
  }
  if (out.length > width) throw new RangeError(`value needs ${out.length} base62 digits, more than ${width}`);
  return out.padStart(width, '0');
}

/** Decodes base62 digits; undefined when a character is outside the alphabet. */
export function decodeBase62(text: string): bigint | undefined {
  let v = 0n;
  for (const c of text) {
    const d = INDEX.get(c);
    if (d === undefined) return undefined;
    v = v * 62n + BigInt(d);
  }
  return v;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}
