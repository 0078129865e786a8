import { withoutCodeSignature } from './macho';

const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;

function segment(name: string, fileoff: number, filesize: number): Buffer {
  const c = Buffer.alloc(72);
  c.writeUInt32LE(LC_SEGMENT_64, 0);
  c.writeUInt32LE(72, 4);
  c.write(name, 8, 'latin1');
  c.writeBigUInt64LE(BigInt(fileoff), 40);
  c.writeBigUInt64LE(BigInt(filesize), 48);
  return c;
}

/** A 64-bit Mach-O: __TEXT (the first page), __LINKEDIT (the rest), and a signature of 256 bytes at its end. */
function signedMachO(signatureFirst: boolean): Buffer {
  const signature = Buffer.alloc(16);
  signature.writeUInt32LE(LC_CODE_SIGNATURE, 0);
  signature.writeUInt32LE(16, 4);
  signature.writeUInt32LE(8192, 8);
  signature.writeUInt32LE(256, 12);
  const text = segment('__TEXT', 0, 4096);
  const linkedit = segment('__LINKEDIT', 4096, 4096 + 256);
  const commands = signatureFirst ? [text, signature, linkedit] : [text, linkedit, signature];
  const file = Buffer.alloc(8192 + 256, 0xab);
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0);
  header.writeUInt32LE(0x01000007, 4);
  header.writeUInt32LE(commands.length, 16);
  header.writeUInt32LE(72 + 16 + 72, 20);
  Buffer.concat([header, ...commands]).copy(file);
  file.fill(0, 32 + 160, 4096);
  return file;
}

describe('withoutCodeSignature', () => {
  test.each([true, false])('drops the command and the data, and shrinks __LINKEDIT (signature command first: %s)', (signatureFirst) => {
    const out = withoutCodeSignature(signedMachO(signatureFirst));
    expect(out.length).toBe(8192);
    expect(out.readUInt32LE(16)).toBe(2);
    expect(out.readUInt32LE(20)).toBe(144);
    expect(out.readUInt32LE(32)).toBe(LC_SEGMENT_64);
    expect(out.readUInt32LE(32 + 72)).toBe(LC_SEGMENT_64);
    expect(out.toString('latin1', 32 + 72 + 8, 32 + 72 + 18)).toBe('__LINKEDIT');
    expect(Number(out.readBigUInt64LE(32 + 72 + 48))).toBe(4096);
    expect(out.subarray(32 + 144, 4096).every((b) => b === 0)).toBe(true);
    expect(out.subarray(4096).every((b) => b === 0xab)).toBe(true);
  });

  test('an unsigned file comes back as it was; a signature not at the end, or another format, is refused', () => {
    const unsigned = withoutCodeSignature(signedMachO(false));
    expect(withoutCodeSignature(unsigned)).toBe(unsigned);
    const padded = Buffer.concat([signedMachO(false), Buffer.alloc(16)]);
    expect(() => withoutCodeSignature(padded)).toThrow(/not at the end/);
    expect(() => withoutCodeSignature(Buffer.from('\x7fELF'.padEnd(64, '\0'), 'latin1'))).toThrow(/not a 64-bit/);
  });
});
