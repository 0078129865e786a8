/**
 * CIDR parsing, normalisation and matching for IP allow lists, IPv4 and IPv6.
 * A normalised CIDR has its host bits cleared and the address in canonical form (`10.1.2.3/8` becomes
 * `10.0.0.0/8`, `2001:DB8:0:0::/32` becomes `2001:db8::/32`); a bare address is a single-host range.
 * @module
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export type ParsedCidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

function maskBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return bits === 0 ? 0 : b & (0xff << (8 - bits)) & 0xff;
  });
}

/** The canonical form of a CIDR or bare address, or an Error saying what is wrong with it. */
export function normaliseCidr(text: string): string | Error {
  const trimmed = text.trim();
  // ipaddr.js also accepts shorthand such as "10.1" or octal parts; only canonical notations are allowed here.
  if (isIP(trimmed.split('/')[0] ?? '') === 0) return new Error(`"${text}" is not an IPv4 or IPv6 address or CIDR`);
  try {
    if (!trimmed.includes('/')) {
      const addr = ipaddr.parse(trimmed);
      return `${addr.toString()}/${addr.kind() === 'ipv4' ? 32 : 128}`;
    }
    if (!/\/(\d{1,3})$/.test(trimmed)) return new Error(`"${text}" has a malformed prefix length`);
    const [addr, prefix] = ipaddr.parseCIDR(trimmed);
    const masked = maskBytes(addr.toByteArray(), prefix);
    const network = addr.kind() === 'ipv4' ? new ipaddr.IPv4(masked) : new ipaddr.IPv6(masked);
    return `${network.toString()}/${prefix}`;
  } catch {
    return new Error(`"${text}" is not an IPv4 or IPv6 address or CIDR`);
  }
}

export function parseNormalisedCidr(cidr: string): ParsedCidr {
  return ipaddr.parseCIDR(cidr) as ParsedCidr;
}

/** Parses a client address; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as the IPv4 address. */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (isIP(text) === 0) return undefined;
  try {
    return ipaddr.process(text);
  } catch {
    return undefined;
  }
}

export function addressInRanges(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: ParsedCidr[]): boolean {
  return ranges.some(([net, prefix]) => net.kind() === address.kind() && address.match(net as never, prefix));
}
