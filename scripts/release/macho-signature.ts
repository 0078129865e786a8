/**
 * An ad hoc code signature for a 64-bit Mach-O, as `codesign --sign -` makes one: a CodeDirectory holding
 * the SHA-256 of every 4 KiB page of the file up to the signature, an empty requirement set and an empty
 * CMS wrapper, in a SuperBlob at the end of __LINKEDIT named by an LC_CODE_SIGNATURE command. Apple Silicon
 * runs no arm64 code without a signature, and an ad hoc one (no certificate, no team) is enough for a
 * binary that is not quarantined, which is what Terraform installs (docs/releases.md). There is no
 * hardened-runtime flag, so the JIT needs no entitlement (Node's SEA documentation signs the same way).
 *
 * `codeSignatureProblems` checks a signature the way the kernel does page by page (every page hash, the
 * special slots of the blobs present): the release runs it on what it signs, and the tests run it on the
 * official Node binary too, whose signature Apple's tools made.
 */
import { createHash } from 'node:crypto';
import { HEADER_SIZE, LC_CODE_SIGNATURE, machoCommands } from './macho';

const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSMAGIC_REQUIREMENTS = 0xfade0c01;
const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_REQUIREMENTS = 2;
const CSSLOT_SIGNATURESLOT = 0x10000;
/** A CodeDirectory of this version carries the executable segment fields (execSegBase, Limit, Flags). */
const CD_VERSION = 0x20400;
const CD_HEADER_SIZE = 88;
const CS_ADHOC = 0x2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const CS_HASHTYPE_SHA256 = 2;
const HASH_SIZE = 32;
const PAGE_SHIFT = 12;
const PAGE = 1 << PAGE_SHIFT;
/** Segments are mapped in 16 KiB pages on arm64 macOS; __LINKEDIT's vmsize is rounded to one. */
const SEGMENT_ALIGN = 0x4000;
const LC_CODE_SIGNATURE_SIZE = 16;
/** Special slots -1 (Info.plist: none, so zeros) and -2 (the requirement set). */
const SPECIAL_SLOTS = 2;

const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();
const roundUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/** The SHA-256 of each 4 KiB page of `data` (the last one as long as it is). */
function pageHashes(data: Buffer): Buffer[] {
  const hashes: Buffer[] = [];
  for (let at = 0; at < data.length; at += PAGE) hashes.push(sha256(data.subarray(at, Math.min(at + PAGE, data.length))));
  return hashes;
}

function blob(magic: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(magic, 0);
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

/** The requirement set codesign writes ad hoc: no requirement (count 0). */
const EMPTY_REQUIREMENTS = blob(CSMAGIC_REQUIREMENTS, Buffer.alloc(4));

/** The SuperBlob's size for a file whose signed part is `codeLimit` bytes: known before any page is hashed. */
function superBlobSize(codeLimit: number, identifier: string): number {
  const codeDirectory = CD_HEADER_SIZE + Buffer.byteLength(identifier) + 1 + (SPECIAL_SLOTS + Math.ceil(codeLimit / PAGE)) * HASH_SIZE;
  return 12 + 3 * 8 + codeDirectory + EMPTY_REQUIREMENTS.length + 8;
}

function superBlob(signed: Buffer, identifier: string, execSeg: { base: number; limit: number }): Buffer {
  const ident = Buffer.from(`${identifier}\0`, 'utf8');
  const special = [Buffer.alloc(HASH_SIZE), sha256(EMPTY_REQUIREMENTS)];
  if (special.length !== SPECIAL_SLOTS) throw new Error('special slots miscounted');
  const code = pageHashes(signed);
  const hashOffset = CD_HEADER_SIZE + ident.length + special.length * HASH_SIZE;
  const cd = Buffer.alloc(hashOffset + code.length * HASH_SIZE);
  cd.writeUInt32BE(CSMAGIC_CODEDIRECTORY, 0);
  cd.writeUInt32BE(cd.length, 4);
  cd.writeUInt32BE(CD_VERSION, 8);
  cd.writeUInt32BE(CS_ADHOC, 12);
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(CD_HEADER_SIZE, 20);
  cd.writeUInt32BE(special.length, 24);
  cd.writeUInt32BE(code.length, 28);
  cd.writeUInt32BE(signed.length, 32);
  cd.writeUInt8(HASH_SIZE, 36);
  cd.writeUInt8(CS_HASHTYPE_SHA256, 37);
  cd.writeUInt8(PAGE_SHIFT, 39);
  // 40..63: spare2, scatterOffset, teamOffset, spare3, codeLimit64: all 0 (no team, file under 4 GiB).
  cd.writeBigUInt64BE(BigInt(execSeg.base), 64);
  cd.writeBigUInt64BE(BigInt(execSeg.limit), 72);
  cd.writeBigUInt64BE(BigInt(CS_EXECSEG_MAIN_BINARY), 80);
  ident.copy(cd, CD_HEADER_SIZE);
  // Special slot -n sits n hashes before hashOffset.
  for (const [i, h] of special.entries()) h.copy(cd, hashOffset - (i + 1) * HASH_SIZE);
  for (const [i, h] of code.entries()) h.copy(cd, hashOffset + i * HASH_SIZE);

  const blobs: [number, Buffer][] = [
    [CSSLOT_CODEDIRECTORY, cd],
    [CSSLOT_REQUIREMENTS, EMPTY_REQUIREMENTS],
    [CSSLOT_SIGNATURESLOT, blob(CSMAGIC_BLOBWRAPPER, Buffer.alloc(0))],
  ];
  const index = Buffer.alloc(12 + blobs.length * 8);
  let offset = index.length;
  blobs.forEach(([slot, data], i) => {
    index.writeUInt32BE(slot, 12 + i * 8);
    index.writeUInt32BE(offset, 16 + i * 8);
    offset += data.length;
  });
  index.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, 0);
  index.writeUInt32BE(offset, 4);
  index.writeUInt32BE(blobs.length, 8);
  return Buffer.concat([index, ...blobs.map(([, data]) => data)]);
}

/**
 * `binary` (an unsigned 64-bit Mach-O whose __LINKEDIT ends the file) signed ad hoc under `identifier`: an
 * LC_CODE_SIGNATURE command is added after the others (refused when the first section leaves no room), the
 * signature is appended at a 16-byte boundary and __LINKEDIT grown to hold it.
 */
export function adHocSigned(binary: Buffer, identifier: string): Buffer {
  const { segments, signature } = machoCommands(binary);
  if (signature !== undefined) throw new Error('the Mach-O file is signed already: remove its signature first (macho.ts)');
  const linkedit = segments.get('__LINKEDIT');
  const text = segments.get('__TEXT');
  if (linkedit === undefined || text === undefined) throw new Error('a Mach-O file without __TEXT or __LINKEDIT');
  const linkeditOff = Number(binary.readBigUInt64LE(linkedit + 40));
  if (linkeditOff + Number(binary.readBigUInt64LE(linkedit + 48)) !== binary.length) throw new Error('__LINKEDIT does not end the file');

  const ncmds = binary.readUInt32LE(16);
  const sizeofcmds = binary.readUInt32LE(20);
  const commandsEnd = HEADER_SIZE + sizeofcmds;
  if (commandsEnd + LC_CODE_SIGNATURE_SIZE > firstSectionOffset(binary, segments)) throw new Error('no room after the load commands for LC_CODE_SIGNATURE');

  const dataoff = roundUp(binary.length, 16);
  const datasize = superBlobSize(dataoff, identifier);
  const signed = Buffer.alloc(dataoff);
  binary.copy(signed);
  signed.writeUInt32LE(ncmds + 1, 16);
  signed.writeUInt32LE(sizeofcmds + LC_CODE_SIGNATURE_SIZE, 20);
  signed.writeUInt32LE(LC_CODE_SIGNATURE, commandsEnd);
  signed.writeUInt32LE(LC_CODE_SIGNATURE_SIZE, commandsEnd + 4);
  signed.writeUInt32LE(dataoff, commandsEnd + 8);
  signed.writeUInt32LE(datasize, commandsEnd + 12);
  const filesize = dataoff + datasize - linkeditOff;
  signed.writeBigUInt64LE(BigInt(filesize), linkedit + 48);
  const vmsize = Math.max(Number(binary.readBigUInt64LE(linkedit + 32)), roundUp(filesize, SEGMENT_ALIGN));
  signed.writeBigUInt64LE(BigInt(vmsize), linkedit + 32);

  const execSeg = { base: Number(binary.readBigUInt64LE(text + 40)), limit: Number(binary.readBigUInt64LE(text + 48)) };
  const sig = superBlob(signed, identifier, execSeg);
  if (sig.length !== datasize) throw new Error(`signature of ${sig.length} bytes, ${datasize} expected`);
  return Buffer.concat([signed, sig]);
}

/** The lowest file offset of any section with data: the load commands may grow up to it. */
function firstSectionOffset(binary: Buffer, segments: Map<string, number>): number {
  let first = binary.length;
  for (const at of segments.values()) {
    const nsects = binary.readUInt32LE(at + 64);
    for (let s = 0; s < nsects; s++) {
      const offset = binary.readUInt32LE(at + 72 + s * 80 + 48);
      if (offset > 0) first = Math.min(first, offset);
    }
  }
  return first;
}

/**
 * What is wrong with the embedded signature of a 64-bit Mach-O (empty when nothing is): no signature, a
 * CodeDirectory not hashing with SHA-256 in 4 KiB pages, a code limit other than the signature's offset,
 * a page or a special slot (requirements, entitlements) whose hash does not match.
 */
export function codeSignatureProblems(binary: Buffer): string[] {
  const { signature } = machoCommands(binary);
  if (signature === undefined) return ['no LC_CODE_SIGNATURE'];
  const dataoff = binary.readUInt32LE(signature + 8);
  const datasize = binary.readUInt32LE(signature + 12);
  const sig = binary.subarray(dataoff, dataoff + datasize);
  if (sig.length < 12 || sig.readUInt32BE(0) !== CSMAGIC_EMBEDDED_SIGNATURE) return ['no embedded signature SuperBlob'];
  const blobs = new Map<number, Buffer>();
  for (let i = 0; i < sig.readUInt32BE(8); i++) {
    const offset = sig.readUInt32BE(16 + i * 8);
    blobs.set(sig.readUInt32BE(12 + i * 8), sig.subarray(offset, offset + sig.readUInt32BE(offset + 4)));
  }
  const cd = blobs.get(CSSLOT_CODEDIRECTORY);
  if (!cd || cd.readUInt32BE(0) !== CSMAGIC_CODEDIRECTORY) return ['no CodeDirectory'];
  const hashOffset = cd.readUInt32BE(16);
  const nSpecial = cd.readUInt32BE(24);
  const nCode = cd.readUInt32BE(28);
  const codeLimit = cd.readUInt32BE(32);
  if (cd[36] !== HASH_SIZE || cd[37] !== CS_HASHTYPE_SHA256 || cd[39] !== PAGE_SHIFT) return ['the CodeDirectory does not hash with SHA-256 in 4 KiB pages'];
  const problems: string[] = [];
  if (codeLimit !== dataoff) problems.push(`code limit ${codeLimit}, the signature starts at ${dataoff}`);
  const pages = pageHashes(binary.subarray(0, codeLimit));
  if (pages.length !== nCode) problems.push(`${nCode} code slots for ${pages.length} pages`);
  const bad = pages.filter((h, i) => i < nCode && !h.equals(cd.subarray(hashOffset + i * HASH_SIZE, hashOffset + (i + 1) * HASH_SIZE))).length;
  if (bad > 0) problems.push(`${bad} page hashes do not match`);
  for (let slot = 1; slot <= nSpecial; slot++) {
    const stored = cd.subarray(hashOffset - slot * HASH_SIZE, hashOffset - (slot - 1) * HASH_SIZE);
    const data = blobs.get(slot);
    if (data && !sha256(data).equals(stored)) problems.push(`special slot ${slot} does not match its blob`);
  }
  return problems;
}

/** The CodeDirectory's flags and identifier, for the checks that it is ad hoc and named as the provider. */
export function codeDirectorySummary(binary: Buffer): { flags: number; identifier: string; execSegFlags: number } | undefined {
  const { signature } = machoCommands(binary);
  if (signature === undefined) return undefined;
  const sig = binary.subarray(binary.readUInt32LE(signature + 8));
  const offset = sig.readUInt32BE(16);
  if (sig.readUInt32BE(12) !== CSSLOT_CODEDIRECTORY) return undefined;
  const cd = sig.subarray(offset, offset + sig.readUInt32BE(offset + 4));
  const identOffset = cd.readUInt32BE(20);
  return { flags: cd.readUInt32BE(12), identifier: cd.toString('utf8', identOffset, cd.indexOf(0, identOffset)), execSegFlags: Number(cd.readBigUInt64BE(80)) };
}
