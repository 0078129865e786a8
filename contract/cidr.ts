/**
 * CIDR parsing, normalisation and matching for IP allow lists, IPv4 and IPv6.
 * A normalised CIDR has its host bits cleared and the address in canonical form (`10.1.2.3/8` becomes
 * `10.0.0.0/8`, `2001:DB8:0:0::/32` becomes `2001:db8::/32`); a bare address is a single-host range.
 * Free of Node's modules: the web console checks CIDRs as they are typed with these same functions.
 * @module
 */
import ipaddr from 'ipaddr.js';
import { ipVersion } from './ip-syntax';

export type ParsedCidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

function maskBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return bits === 0 ? 0 : b & (0xff << (8 - bits)) & 0xff;
  });
}

export interface NormalisedCidr {
  /** What the service stores and enforces. */
  normalised: string;
  /** The text had bits set after its prefix, which normalising clears (usually a typo, so the provider warns). */
  hostBitsSet: boolean;
}

/** The canonical form of a CIDR or bare address, or an Error saying what is wrong with it. */
export function normaliseCidr(text: string): string | Error {
  const parsed = inspectCidr(text);
  return parsed instanceof Error ? parsed : parsed.normalised;
}

/** Like normaliseCidr, also telling whether bits after the prefix were set. */
export function inspectCidr(text: string): NormalisedCidr | Error {
  const trimmed = text.trim();
  // A zone (fe80::1%eth0) names an interface of one host, which means nothing in a list shared by nodes.
  if (trimmed.includes('%')) return new Error(`"${text}" has an IPv6 zone; allow lists take addresses and CIDRs without one`);
  // ipaddr.js also accepts shorthand such as "10.1" or octal parts; only canonical notations are allowed here.
  if (ipVersion(trimmed.split('/')[0] ?? '') === 0) return new Error(`"${text}" is not an IPv4 or IPv6 address or CIDR`);
  try {
    if (!trimmed.includes('/')) {
      const addr = ipaddr.parse(trimmed);
      return { normalised: canonical(addr, addr.kind() === 'ipv4' ? 32 : 128), hostBitsSet: false };
    }
    if (!/\/(\d{1,3})$/.test(trimmed)) return new Error(`"${text}" has a malformed prefix length`);
    const [addr, prefix] = ipaddr.parseCIDR(trimmed);
    const bytes = addr.toByteArray();
    const masked = maskBytes(bytes, prefix);
    const network = addr.kind() === 'ipv4' ? new ipaddr.IPv4(masked) : new ipaddr.IPv6(masked);
    return { normalised: canonical(network, prefix), hostBitsSet: masked.some((b, i) => b !== bytes[i]) };
  } catch {
    return new Error(`"${text}" is not an IPv4 or IPv6 address or CIDR`);
  }
}

/**
 * The set the service stores for a list of CIDRs: each normalised, duplicates removed, sorted, so the same
 * set always reads back the same. The first invalid entry is reported with its index.
 */
export function normaliseCidrSet(cidrs: readonly string[]): { cidrs: string[] } | { index: number; error: Error } {
  const out = new Set<string>();
  for (const [index, c] of cidrs.entries()) {
    const n = normaliseCidr(c);
    if (n instanceof Error) return { index, error: n };
    out.add(n);
  }
  return { cidrs: [...out].sort() };
}

/** Whether two lists of CIDRs are the same set once normalised (false when either holds an invalid entry). */
export function sameCidrSet(a: readonly string[], b: readonly string[]): boolean {
  const na = normaliseCidrSet(a);
  const nb = normaliseCidrSet(b);
  return 'cidrs' in na && 'cidrs' in nb && na.cidrs.length === nb.cidrs.length && na.cidrs.every((c, i) => c === nb.cidrs[i]);
}

/**
 * IPv4-mapped IPv6 ranges (::ffff:a.b.c.d/96 and longer) are written as the IPv4 range they cover, because
 * client addresses in that form are compared as IPv4 (see `parseAddress`).
 */
function canonical(network: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): string {
  if (network.kind() === 'ipv6' && prefix >= 96 && (network as ipaddr.IPv6).isIPv4MappedAddress()) {
    return `${(network as ipaddr.IPv6).toIPv4Address().toString()}/${prefix - 96}`;
  }
  return `${network.toString()}/${prefix}`;
}

export function parseNormalisedCidr(cidr: string): ParsedCidr {
  return ipaddr.parseCIDR(cidr) as ParsedCidr;
}

function withoutZone(text: string): string {
  const zone = text.indexOf('%');
  return zone > 0 && text.includes(':') ? text.slice(0, zone) : text;
}

/**
 * Whether `parseAddress` takes `text`, by its syntax alone: what POST /v1/keys/verify checks of a client_ip on
 * every call, where parsing it with ipaddr.js cost more than the rest of the check (contract/cidr.property.test.ts
 * holds the two to the same answer).
 */
export function isClientAddress(text: string): boolean {
  return ipVersion(withoutZone(text)) !== 0;
}

/**
 * Parses a client address; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as the IPv4 address. A zone
 * (a link-local peer seen as fe80::1%eth0) is dropped: it does not change which ranges hold the address.
 */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = withoutZone(text);
  if (ipVersion(bare) === 0) return undefined;
  try {
    return ipaddr.process(bare);
  } catch {
    return undefined;
  }
}

/**
 * Whether `address` is inside one of `ranges`. An IPv4 address also matches IPv6 ranges through its mapped
 * form, so a list stored before mapped ranges were written as IPv4 (or one like ::ffff:0:0/95) still admits it.
 */
export function addressInRanges(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: ParsedCidr[]): boolean {
  const mapped = address.kind() === 'ipv4' ? (address as ipaddr.IPv4).toIPv4MappedAddress() : undefined;
  return ranges.some(([net, prefix]) => {
    if (net.kind() === address.kind()) return address.match(net as never, prefix);
    return mapped !== undefined && net.kind() === 'ipv6' && mapped.match(net as ipaddr.IPv6, prefix);
  });
}
