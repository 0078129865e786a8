/**
 * @module keyplane/ip-allow-list/cidr
 * The service's CIDR normalisation (service/allow-lists/cidr.ts, `normaliseCidr`), mirrored so plan knows
 * what the service will store: host bits cleared, canonical address text (`2001:DB8:0::/32` is
 * `2001:db8::/32`), a bare address as a single-host range, IPv4-mapped IPv6 ranges as the IPv4 range, then
 * de-duplicated and sorted (`normaliseCidrs` in service/allow-lists/routes.ts). The provider may not import
 * service code (architecture: the provider depends on the SDK and the client only), so the rule is copied and
 * cidr.test.ts checks both agree.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

function maskBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return bits === 0 ? 0 : b & (0xff << (8 - bits)) & 0xff;
  });
}

function canonical(network: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): string {
  if (network.kind() === 'ipv6' && prefix >= 96 && (network as ipaddr.IPv6).isIPv4MappedAddress()) {
    return `${(network as ipaddr.IPv6).toIPv4Address().toString()}/${prefix - 96}`;
  }
  return `${network.toString()}/${prefix}`;
}

export interface NormalisedCidr {
  /** What the service stores. */
  normalised: string;
  /** The text had bits set after its prefix, which the service clears (usually a typo). */
  hostBitsSet: boolean;
}

/** The service's canonical form of a CIDR or bare address, or an Error saying what is wrong with it. */
export function normaliseCidr(text: string): NormalisedCidr | Error {
  const trimmed = text.trim();
  if (trimmed.includes('%')) return new Error(`"${text}" has an IPv6 zone; allow lists take addresses and CIDRs without one`);
  if (isIP(trimmed.split('/')[0] ?? '') === 0) return new Error(`"${text}" is not an IPv4 or IPv6 address or CIDR`);
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

/** The set the service stores for `cidrs`, or undefined when one of them is invalid. */
export function normaliseCidrSet(cidrs: readonly string[]): string[] | undefined {
  const out = new Set<string>();
  for (const c of cidrs) {
    const n = normaliseCidr(c);
    if (n instanceof Error) return undefined;
    out.add(n.normalised);
  }
  return [...out].sort();
}

export function sameCidrSet(a: readonly string[], b: readonly string[]): boolean {
  const na = normaliseCidrSet(a);
  const nb = normaliseCidrSet(b);
  return na !== undefined && nb !== undefined && na.length === nb.length && na.every((c, i) => c === nb[i]);
}
