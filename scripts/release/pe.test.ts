import { withoutAuthenticode } from './pe';

/** A PE32+ file of 4096 bytes with 16 data directories, and a certificate table of 512 bytes after them. */
function signedPe(): Buffer {
  const file = Buffer.alloc(4096 + 512, 0xab);
  file.fill(0, 0, 1024);
  file.write('MZ', 0, 'latin1');
  file.writeUInt32LE(0x80, 0x3c);
  file.writeUInt32BE(0x50450000, 0x80);
  file.writeUInt16LE(0x8664, 0x84);
  const optional = 0x80 + 24;
  file.writeUInt16LE(0x20b, optional);
  file.writeUInt32LE(16, optional + 108);
  file.writeUInt32LE(4096, optional + 112 + 4 * 8);
  file.writeUInt32LE(512, optional + 112 + 4 * 8 + 4);
  return file;
}

describe('withoutAuthenticode', () => {
  test('drops the certificate table and its directory entry, and nothing else', () => {
    const signed = signedPe();
    const out = withoutAuthenticode(signed);
    expect(out.length).toBe(4096);
    expect(out.readUInt32LE(0x98 + 112 + 32)).toBe(0);
    expect(out.readUInt32LE(0x98 + 112 + 36)).toBe(0);
    const expected = Buffer.from(signed.subarray(0, 4096));
    expected.fill(0, 0x98 + 112 + 32, 0x98 + 112 + 40);
    expect(out.equals(expected)).toBe(true);
  });

  test('an unsigned file comes back as it was; a table not at the end, or another format, is refused', () => {
    const unsigned = withoutAuthenticode(signedPe());
    expect(withoutAuthenticode(unsigned)).toBe(unsigned);
    expect(() => withoutAuthenticode(Buffer.concat([signedPe(), Buffer.alloc(8)]))).toThrow(/not at the end/);
    expect(() => withoutAuthenticode(Buffer.from('\x7fELF'.padEnd(256, '\0'), 'latin1'))).toThrow(/not a PE file/);
  });
});
