/**
 * What kind of executable a file is, from its first bytes: ELF e_machine, Mach-O cputype, PE machine. The
 * release checks every binary it builds with this (a runtime package for the wrong platform fails the build,
 * not a user's terraform init), and the tests check the platforms this machine cannot run the same way.
 */
export type ExecutableFormat = 'ELF' | 'Mach-O' | 'PE';

export interface ExecutableKind {
  format: ExecutableFormat;
  /** Go's name of the architecture (amd64, arm64), or `unknown(N)` with the header's number. */
  arch: string;
}

const ELF_MACHINES = new Map([
  [62, 'amd64'],
  [183, 'arm64'],
]);
const MACHO_CPUTYPES = new Map([
  [0x01000007, 'amd64'],
  [0x0100000c, 'arm64'],
]);
const PE_MACHINES = new Map([
  [0x8664, 'amd64'],
  [0xaa64, 'arm64'],
]);

const named = (table: Map<number, string>, n: number): string => table.get(n) ?? `unknown(0x${n.toString(16)})`;

/** Bytes read from the start of a file that `executableKind` needs (the PE header may sit past the DOS stub). */
export const HEADER_BYTES = 4096;

/** The format and architecture of the executable whose first bytes are `head`; undefined when it is none of the three. */
export function executableKind(head: Buffer): ExecutableKind | undefined {
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
    // 64-bit little-endian only: both Linux targets are.
    if (head[4] !== 2 || head[5] !== 1) return { format: 'ELF', arch: 'unknown(not 64-bit little-endian)' };
    return { format: 'ELF', arch: named(ELF_MACHINES, head.readUInt16LE(18)) };
  }
  if (head.length >= 8 && head.readUInt32LE(0) === 0xfeedfacf) return { format: 'Mach-O', arch: named(MACHO_CPUTYPES, head.readUInt32LE(4)) };
  if (head.length >= 64 && head.toString('latin1', 0, 2) === 'MZ') {
    const pe = head.readUInt32LE(0x3c);
    if (pe + 6 <= head.length && head.readUInt32BE(pe) === 0x50450000) return { format: 'PE', arch: named(PE_MACHINES, head.readUInt16LE(pe + 4)) };
  }
  return undefined;
}
