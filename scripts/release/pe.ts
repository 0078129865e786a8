/**
 * Removing the Authenticode signature from a PE file, as `signtool remove /s` does, for a Node binary that is
 * about to be changed (the Node documentation's SEA steps for Windows suggest it). Injecting the blob breaks
 * the signature anyway; removing it first leaves a plainly unsigned .exe rather than one whose signature is
 * broken. Windows starts unsigned executables; SmartScreen may question one downloaded by a browser.
 */
const PE32_PLUS = 0x20b;
/** The certificate table is the fifth data directory. */
const CERTIFICATE_TABLE = 4;

/** `binary` without its certificate table (the signature at the end of the file); unchanged when unsigned. */
export function withoutAuthenticode(binary: Buffer): Buffer {
  if (binary.toString('latin1', 0, 2) !== 'MZ') throw new Error('not a PE file');
  const pe = binary.readUInt32LE(0x3c);
  if (binary.readUInt32BE(pe) !== 0x50450000) throw new Error('not a PE file');
  const optional = pe + 24;
  if (binary.readUInt16LE(optional) !== PE32_PLUS) throw new Error('not a PE32+ (64-bit) file');
  if (binary.readUInt32LE(optional + 108) <= CERTIFICATE_TABLE) return binary;
  const entry = optional + 112 + CERTIFICATE_TABLE * 8;
  // For this directory the "address" is a file offset, not an RVA.
  const offset = binary.readUInt32LE(entry);
  const size = binary.readUInt32LE(entry + 4);
  if (size === 0) return binary;
  if (offset + size !== binary.length) throw new Error('the certificate table is not at the end of the file');
  const out = Buffer.from(binary.subarray(0, offset));
  out.writeUInt32LE(0, entry);
  out.writeUInt32LE(0, entry + 4);
  return out;
}
