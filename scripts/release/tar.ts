/**
 * One file out of a gzipped tar, which is what `npm pack` writes: enough of ustar (with GNU and pax long
 * names) to take a Node binary out of a runtime package without depending on the host's tar.
 */
import { gunzipSync } from 'node:zlib';

const text = (block: Buffer, from: number, to: number): string => block.toString('utf8', from, to).replace(/\0[\s\S]*$/, '');

/** The bytes of the regular file at `path` (such as `package/bin/node`) in the .tgz `tgz`. */
export function fileFromTgz(tgz: Buffer, path: string): Buffer {
  const tar = gunzipSync(tgz);
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const size = Number.parseInt(text(header, 124, 136).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const prefix = text(header, 345, 500);
    const name = longName ?? (prefix ? `${prefix}/` : '') + text(header, 0, 100);
    longName = undefined;
    const data = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') longName = text(data, 0, data.length);
    else if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
    else if ((type === '0' || type === '\0') && name === path) return Buffer.from(data);
  }
  throw new Error(`${path} is not in the package`);
}
