/**
 * @module framework/validators/cidr
 * CIDR blocks, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32"). With `allowHostBits: false` (the default) an
 * address with bits set past the prefix ("10.0.0.1/8") is refused, since it usually means a typo. Addresses are
 * read by Node's own parser (strict dotted-quad and RFC 4291 text); ipaddr.js finds the network address.
 */
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Validator } from './validator';

function hostBitsSet(text: string, v6: boolean): boolean {
  const network = v6 ? ipaddr.IPv6.networkAddressFromCIDR(text) : ipaddr.IPv4.networkAddressFromCIDR(text);
  const address = ipaddr.parse(text.slice(0, text.indexOf('/')));
  return network.toByteArray().some((b, i) => b !== address.toByteArray()[i]);
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
      if (!opts.allowHostBits && hostBitsSet(text, v6)) {
        diags.addAttributeError(
          path,
          'Invalid CIDR Block',
          `${JSON.stringify(text)} has bits set after its /${prefix} prefix. Did you mean the network address of that block?`,
        );
      }
    },
  };
}
