import { openSync, readSync, closeSync } from 'node:fs';
import { executableKind, HEADER_BYTES } from './executable-format';
import { nativeTarget } from './platforms';

function elf(machine: number): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2;
  b[5] = 1;
  b.writeUInt16LE(machine, 18);
  return b;
}

function macho(cputype: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(cputype, 4);
  return b;
}

function pe(machine: number, at = 0x80): Buffer {
  const b = Buffer.alloc(at + 24);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(at, 0x3c);
  b.writeUInt32BE(0x50450000, at);
  b.writeUInt16LE(machine, at + 4);
  return b;
}

describe('executableKind', () => {
  test.each([
    ['ELF x86-64', elf(62), { format: 'ELF', arch: 'amd64' }],
    ['ELF AArch64', elf(183), { format: 'ELF', arch: 'arm64' }],
    ['ELF RISC-V', elf(243), { format: 'ELF', arch: 'unknown(0xf3)' }],
    ['Mach-O x86_64', macho(0x01000007), { format: 'Mach-O', arch: 'amd64' }],
    ['Mach-O arm64', macho(0x0100000c), { format: 'Mach-O', arch: 'arm64' }],
    ['PE AMD64', pe(0x8664), { format: 'PE', arch: 'amd64' }],
    ['PE ARM64', pe(0xaa64), { format: 'PE', arch: 'arm64' }],
    ['PE i386', pe(0x14c), { format: 'PE', arch: 'unknown(0x14c)' }],
  ])('%s', (_name, head, kind) => {
    expect(executableKind(head)).toEqual(kind);
  });

  test('a script, a 32-bit ELF and an MZ file without a PE header are not taken for the executables above', () => {
    expect(executableKind(Buffer.from('#!/usr/bin/env node\n'.padEnd(64)))).toBeUndefined();
    const elf32 = elf(62);
    elf32[4] = 1;
    expect(executableKind(elf32)).toEqual({ format: 'ELF', arch: 'unknown(not 64-bit little-endian)' });
    const dos = pe(0x8664);
    dos.writeUInt32BE(0, 0x80);
    expect(executableKind(dos)).toBeUndefined();
  });

  test('the Node running this test, on linux_amd64, reads as ELF amd64', () => {
    if (nativeTarget() !== 'linux_amd64') return;
    const head = Buffer.alloc(HEADER_BYTES);
    const fd = openSync(process.execPath, 'r');
    readSync(fd, head, 0, HEADER_BYTES, 0);
    closeSync(fd);
    expect(executableKind(head)).toEqual({ format: 'ELF', arch: 'amd64' });
  });
});
