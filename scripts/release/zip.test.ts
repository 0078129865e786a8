import { dosDateTime, readZip, writeZip } from './zip';

const WHEN = new Date('2026-12-02T21:09:14Z');

describe('writeZip', () => {
  const files = [
    { name: 'b-tool', data: Buffer.from('#!/bin/sh\necho b\n'), mode: 0o755 },
    { name: 'a-readme', data: Buffer.alloc(100_000, 'a'), mode: 0o644 },
  ];

  test('reads back: entries sorted by name, data intact, Unix mode and "made by Unix" in the central directory', () => {
    const entries = readZip(writeZip(files, WHEN));
    expect(entries.map((e) => e.name)).toEqual(['a-readme', 'b-tool']);
    expect(entries[1]).toMatchObject({ data: files[0]!.data, mode: 0o755, unixMode: 0o100755, madeBy: 3 });
    expect(entries[0]).toMatchObject({ data: files[1]!.data, mode: 0o644, unixMode: 0o100644 });
    expect(entries[0]!.modified).toEqual(dosDateTime(WHEN));
  });

  test('the same files and time give the same bytes, whatever their order; another time gives other bytes', () => {
    const zip = writeZip(files, WHEN);
    expect(writeZip([...files].reverse(), WHEN).equals(zip)).toBe(true);
    expect(writeZip(files, new Date(WHEN.getTime() + 2000)).equals(zip)).toBe(false);
  });

  test('compresses (deflate), and refuses names that are not printable ASCII', () => {
    expect(writeZip(files, WHEN).length).toBeLessThan(10_000);
    expect(() => writeZip([{ name: 'dir/ä', data: Buffer.alloc(1), mode: 0o644 }], WHEN)).toThrow(/printable ASCII/);
  });
});

describe('dosDateTime', () => {
  test('UTC fields, two-second resolution; before 1980 is 1980-01-01 00:00', () => {
    expect(dosDateTime(WHEN)).toEqual({ date: ((2026 - 1980) << 9) | (12 << 5) | 2, time: (21 << 11) | (9 << 5) | 7 });
    expect(dosDateTime(new Date(0))).toEqual({ date: (1 << 5) | 1, time: 0 });
  });
});

describe('readZip', () => {
  test('a damaged entry fails its CRC check; a file that is no zip is refused', () => {
    const zip = writeZip([{ name: 'x', data: Buffer.from('stored bytes that will be damaged'), mode: 0o644 }], WHEN);
    const damaged = Buffer.from(zip);
    damaged[30 + 1 + 2] ^= 0xff;
    expect(() => readZip(damaged)).toThrow();
    expect(() => readZip(Buffer.from('not a zip'))).toThrow(/not a zip/);
  });
});
