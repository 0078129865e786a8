/**
 * Zip archives written byte for byte the same from the same files: entries sorted by name, one fixed
 * modification time, no extra fields, deflate at level 9, and "made by Unix" with the Unix mode in the
 * external attributes, which is where Terraform's unzip takes an executable's `+x` from (without it the
 * installed provider fails with "permission denied"). The reader reads back what the writer makes (and the
 * plain deflate/store archives other tools make), for the release's own checks and its tests.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

export interface ZipFile {
  /** Path inside the archive, forward slashes, ASCII. */
  name: string;
  data: Buffer;
  /** Unix permission bits, such as 0o755. */
  mode: number;
}

export interface ZipEntryRead extends ZipFile {
  /** The `version made by` host: 3 is Unix. */
  madeBy: number;
  /** The Unix file type and mode from the external attributes (0o100755 for an executable file). */
  unixMode: number;
  modified: { date: number; time: number };
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
/** Version made by: host 3 (Unix), spec 2.0; and the version needed to extract a deflated file. */
const MADE_BY_UNIX = (3 << 8) | 20;
const NEEDED = 20;
const DEFLATE = 8;
const REGULAR_FILE = 0o100000;

/** MS-DOS date and time of `when` read as UTC (the format has no zone); before 1980 becomes 1980-01-01. */
export function dosDateTime(when: Date): { date: number; time: number } {
  if (when.getUTCFullYear() < 1980) return { date: (1 << 5) | 1, time: 0 };
  return {
    date: ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate(),
    time: (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | Math.floor(when.getUTCSeconds() / 2),
  };
}

/** A zip of `files`, every entry dated `modified`. */
export function writeZip(files: ZipFile[], modified: Date): Buffer {
  const { date, time } = dosDateTime(modified);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!/^[\x21-\x7e]+$/.test(file.name)) throw new Error(`zip entry names are printable ASCII: ${JSON.stringify(file.name)}`);
    const name = Buffer.from(file.name, 'ascii');
    const packed = deflateRawSync(file.data, { level: 9 });
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(NEEDED, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(NEEDED, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(DEFLATE, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes: all 0
    central.writeUInt32LE(((REGULAR_FILE | (file.mode & 0o7777)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  if (offset + directory.length > 0xffffffff) throw new Error('zip too large (no zip64 support)');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The entries of a zip, from its central directory, with their data inflated and CRC-checked. */
export function readZip(zip: Buffer): ZipEntryRead[] {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0 || endAt < zip.length - 22 - 0xffff) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const entries: ZipEntryRead[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL) throw new Error(`bad central directory entry at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const packedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const unixMode = zip.readUInt32LE(at + 38) >>> 16;
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const packed = zip.subarray(dataAt, dataAt + packedSize);
    if (method !== 0 && method !== DEFLATE) throw new Error(`${name}: compression method ${method} is not read here`);
    const data = method === DEFLATE ? inflateRawSync(packed) : Buffer.from(packed);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    entries.push({
      name,
      data,
      mode: unixMode & 0o7777,
      unixMode,
      madeBy: zip.readUInt16LE(at + 4) >> 8,
      modified: { time: zip.readUInt16LE(at + 12), date: zip.readUInt16LE(at + 14) },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
