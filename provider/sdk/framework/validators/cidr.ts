/**
 * @module framework/validators/cidr
 * CIDR blocks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"). With `host: false` (the default) an address
 * with bits set past the prefix ("10.0.0.1/8") is refused, since it usually means a typo.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Validator } from './validator';

function hostBitsSet(addr: string, prefix: number, v6: boolean): boolean {
  let bits: bigint;
  if (v6) {
    const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    bits = groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
    return (bits & ((1n << BigInt(128 - prefix)) - 1n)) !== 0n;
  }
  bits = addr.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  return (bits & ((1n << BigInt(32 - prefix)) - 1n)) !== 0n;
}

export function cidr(opts: { allowHostBits?: boolean } = {}): Validator {
  return {
    description: 'must be a CIDR block, such as 10.0.0.0/8 or 2001:db8::/32',
    validate({ path, value }, diags) {
      if (!value.isKnown()) return;
      const text = value.asString();
      const slash = text.indexOf('/');
      const addr = text.slice(0, slash);
      const prefixText = text.slice(slash + 1);
      // Node accepts IPv6 zone ids ("fe80::1%eth0"); a network block has none (Go's ParseCIDR refuses them too).
      const v6 = !addr.includes('%') && isIPv6(addr);
      const max = v6 ? 128 : 32;
      const prefix = Number(prefixText);
      if (slash < 0 || (!v6 && !isIPv4(addr)) || !/^\d{1,3}$/.test(prefixText) || prefix > max || (v6 && addr.includes('.'))) {
        diags.addAttributeError(
          path,
          'Invalid CIDR Block',
          `${JSON.stringify(text)} is not a CIDR block. Write an address and a prefix length, such as 10.0.0.0/8 or 2001:db8::/32.`,
        );
        return;
      }
      if (!opts.allowHostBits && hostBitsSet(addr, prefix, v6)) {
        diags.addAttributeError(
          path,
          'Invalid CIDR Block',
          `${JSON.stringify(text)} has bits set after its /${prefix} prefix. Did you mean the network address of that block?`,
        );
      }
    },
  };
}
