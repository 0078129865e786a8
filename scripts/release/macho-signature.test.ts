import { createHash } from 'node:crypto';
import { withoutCodeSignature } from './macho';
import { adHocSigned, codeDirectorySummary, codeSignatureProblems } from './macho-signature';

const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const CS_ADHOC = 0x2;

function segment(name: string, fileoff: number, filesize: number, vmsize: number, sectionOffset?: number): Buffer {
  const c = Buffer.alloc(sectionOffset === undefined ? 72 : 72 + 80);
  c.writeUInt32LE(LC_SEGMENT_64, 0);
  c.writeUInt32LE(c.length, 4);
  c.write(name, 8, 'latin1');
  c.writeBigUInt64LE(BigInt(vmsize), 32);
  c.writeBigUInt64LE(BigInt(fileoff), 40);
  c.writeBigUInt64LE(BigInt(filesize), 48);
  if (sectionOffset !== undefined) {
    c.writeUInt32LE(1, 64);
    c.write('__text', 72, 'latin1');
    c.writeUInt32LE(sectionOffset, 72 + 48);
  }
  return c;
}

/**
 * An unsigned 64-bit arm64 Mach-O: __TEXT (two pages, its __text section at `textAt`), __LINKEDIT (the rest,
 * 5000 bytes, not a multiple of 16 or of a page), filled with a pattern so that every page differs.
 */
function unsignedMachO(textAt = 1024): Buffer {
  const commands = [segment('__TEXT', 0, 8192, 8192, textAt), segment('__LINKEDIT', 8192, 5000, 16384)];
  const file = Buffer.alloc(8192 + 5000);
  for (let i = 0; i < file.length; i++) file[i] = (i * 7) & 0xff;
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0);
  header.writeUInt32LE(0x0100000c, 4);
  header.writeUInt32LE(commands.length, 16);
  header.writeUInt32LE(
    commands.reduce((n, c) => n + c.length, 0),
    20,
  );
  const head = Buffer.concat([header, ...commands]);
  head.copy(file);
  file.fill(0, head.length, textAt);
  return file;
}

describe('adHocSigned', () => {
  test('appends a signature at a 16-byte boundary that verifies: every page hashed, ad hoc, named, the main binary', () => {
    const unsigned = unsignedMachO();
    const signed = adHocSigned(unsigned, 'terraform-provider-keyplane');
    expect(codeSignatureProblems(signed)).toEqual([]);
    expect(codeDirectorySummary(signed)).toEqual({ flags: CS_ADHOC, identifier: 'terraform-provider-keyplane', execSegFlags: 1 });
    // One more command, LC_CODE_SIGNATURE, right after the others, pointing past the padded end of the file.
    expect(signed.readUInt32LE(16)).toBe(3);
    const at = 32 + unsigned.readUInt32LE(20);
    expect(signed.readUInt32LE(20)).toBe(unsigned.readUInt32LE(20) + 16);
    expect([signed.readUInt32LE(at), signed.readUInt32LE(at + 4), signed.readUInt32LE(at + 8)]).toEqual([LC_CODE_SIGNATURE, 16, 13200]);
    expect(signed.readUInt32LE(at + 8) + signed.readUInt32LE(at + 12)).toBe(signed.length);
    // __LINKEDIT grown to the end of the file; its vmsize to whole 16 KiB pages.
    const linkedit = 32 + 152;
    expect(Number(signed.readBigUInt64LE(linkedit + 40)) + Number(signed.readBigUInt64LE(linkedit + 48))).toBe(signed.length);
    expect(Number(signed.readBigUInt64LE(linkedit + 32))).toBe(16384);
    // The code itself is unchanged.
    expect(signed.subarray(at + 16, unsigned.length).equals(unsigned.subarray(at + 16))).toBe(true);
    // Removing the signature gives the unsigned file back (up to the 16-byte padding and __LINKEDIT's vmsize).
    expect(withoutCodeSignature(signed).subarray(0, unsigned.length).subarray(at).equals(unsigned.subarray(at))).toBe(true);
  });

  test('the same input gives the same bytes (a release is reproducible)', () => {
    const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(hash(adHocSigned(unsignedMachO(), 'x'))).toBe(hash(adHocSigned(unsignedMachO(), 'x')));
  });

  test('refuses a signed file, and one with no room for another load command before its first section', () => {
    const signed = adHocSigned(unsignedMachO(), 'x');
    expect(() => adHocSigned(signed, 'x')).toThrow(/signed already/);
    const full = unsignedMachO(32 + 152 + 72 + 8);
    expect(() => adHocSigned(full, 'x')).toThrow(/no room after the load commands/);
  });
});

describe('codeSignatureProblems', () => {
  test('finds a changed page, a changed special slot blob, a file with no signature', () => {
    const signed = adHocSigned(unsignedMachO(), 'x');
    const page = Buffer.from(signed);
    page[5000] ^= 1;
    expect(codeSignatureProblems(page)).toEqual(['1 page hashes do not match']);
    // The requirement set, the blob after the CodeDirectory: a changed count no longer matches special slot -2.
    const requirements = Buffer.from(signed);
    requirements[signed.length - 8 - 4] ^= 1;
    expect(codeSignatureProblems(requirements)).toEqual(['special slot 2 does not match its blob']);
    expect(codeSignatureProblems(unsignedMachO())).toEqual(['no LC_CODE_SIGNATURE']);
  });
});
