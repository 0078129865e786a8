/**
 * Removing the code signature from a 64-bit Mach-O, as `codesign --remove-signature` does, for a Node binary
 * that is about to be changed (the Node documentation's SEA steps for macOS remove it before injecting). A
 * signature that no longer matches the file is worse than none: macOS kills a hardened-runtime binary whose
 * pages fail their hashes, while an unsigned x86_64 binary runs. Apple Silicon runs no unsigned arm64 code at
 * all, which is why no darwin_arm64 build is made without a signing step (README "Releases").
 */
const MH_MAGIC_64 = 0xfeedfacf;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const HEADER_SIZE = 32;

/** `binary` without its LC_CODE_SIGNATURE and the signature data at the end of __LINKEDIT; unchanged when unsigned. */
export function withoutCodeSignature(binary: Buffer): Buffer {
  if (binary.readUInt32LE(0) !== MH_MAGIC_64) throw new Error('not a 64-bit little-endian Mach-O file');
  const ncmds = binary.readUInt32LE(16);
  const sizeofcmds = binary.readUInt32LE(20);
  let linkedit: number | undefined;
  let signature: number | undefined;
  for (let i = 0, at = HEADER_SIZE; i < ncmds; i++, at += binary.readUInt32LE(at + 4)) {
    const cmd = binary.readUInt32LE(at);
    if (cmd === LC_CODE_SIGNATURE) signature = at;
    if (cmd === LC_SEGMENT_64 && binary.toString('latin1', at + 8, at + 24).replace(/\0+$/, '') === '__LINKEDIT') linkedit = at;
  }
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
