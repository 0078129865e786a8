/**
 * Removing the code signature from a 64-bit Mach-O, as `codesign --remove-signature` does, for a Node binary
 * that is about to be changed (the Node documentation's SEA steps for macOS remove it before injecting). A
 * signature that no longer matches the file is worse than none: macOS kills a hardened-runtime binary whose
 * pages fail their hashes, while an unsigned x86_64 binary runs. Apple Silicon runs no unsigned arm64 code at
 * all: the darwin_arm64 build signs its executable ad hoc afterwards (macho-signature.ts).
 */
export const MH_MAGIC_64 = 0xfeedfacf;
export const LC_SEGMENT_64 = 0x19;
export const LC_CODE_SIGNATURE = 0x1d;
export const HEADER_SIZE = 32;

/** The offsets of a 64-bit Mach-O's LC_SEGMENT_64 commands by segment name, and of its LC_CODE_SIGNATURE. */
export function machoCommands(binary: Buffer): { segments: Map<string, number>; signature: number | undefined } {
  if (binary.readUInt32LE(0) !== MH_MAGIC_64) throw new Error('not a 64-bit little-endian Mach-O file');
  const segments = new Map<string, number>();
  let signature: number | undefined;
  for (let i = 0, at = HEADER_SIZE; i < binary.readUInt32LE(16); i++, at += binary.readUInt32LE(at + 4)) {
    const cmd = binary.readUInt32LE(at);
    if (cmd === LC_CODE_SIGNATURE) signature = at;
    if (cmd === LC_SEGMENT_64) segments.set(binary.toString('latin1', at + 8, at + 24).replace(/\0+$/, ''), at);
  }
  return { segments, signature };
}

/** `binary` without its LC_CODE_SIGNATURE and the signature data at the end of __LINKEDIT; unchanged when unsigned. */
export function withoutCodeSignature(binary: Buffer): Buffer {
  const { segments, signature } = machoCommands(binary);
  const linkedit = segments.get('__LINKEDIT');
  const ncmds = binary.readUInt32LE(16);
  const sizeofcmds = binary.readUInt32LE(20);
  if (signature === undefined) return binary;
  if (linkedit === undefined) throw new Error('signed Mach-O without a __LINKEDIT segment');
  const dataoff = binary.readUInt32LE(signature + 8);
  const datasize = binary.readUInt32LE(signature + 12);
  const fileoff = Number(binary.readBigUInt64LE(linkedit + 40));
  const filesize = Number(binary.readBigUInt64LE(linkedit + 48));
  // The signature is the last thing in __LINKEDIT, which is the last thing in the file (up to padding).
  if (dataoff < fileoff || dataoff + datasize > fileoff + filesize || fileoff + filesize !== binary.length) {
    throw new Error('the code signature is not at the end of __LINKEDIT and of the file');
  }
  const out = Buffer.from(binary.subarray(0, dataoff));
  out.writeBigUInt64LE(BigInt(dataoff - fileoff), linkedit + 48);
  const size = out.readUInt32LE(signature + 4);
  const commandsEnd = HEADER_SIZE + sizeofcmds;
  out.copy(out, signature, signature + size, commandsEnd);
  out.fill(0, commandsEnd - size, commandsEnd);
  out.writeUInt32LE(ncmds - 1, 16);
  out.writeUInt32LE(sizeofcmds - size, 20);
  return out;
}
