/** The console's address syntax (contract/ip-syntax.ts) answers as Node's `net.isIP`, which the service used before. */
import { isIP } from 'node:net';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { ipVersion } from './ip-syntax';

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => new ipaddr.IPv6(g).toString());
const v6Full = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((n) => n.toString(16)).join(':'));
const mapped = v4.map((a) => `::ffff:${a}`);
/** Strings of address characters: nearly all invalid, many nearly valid. */
const noise = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg:.%/ -'), maxLength: 45 });
/** A valid address with one character changed, dropped or doubled. */
const mutated = fc.tuple(fc.oneof(v4, v6, v6Full, mapped), fc.nat(), fc.constantFrom(...'0:.f1%x'), fc.nat(2)).map(([s, at, c, how]) => {
  const i = at % (s.length + 1);
  return how === 0 ? s.slice(0, i) + c + s.slice(i + 1) : how === 1 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + c + s.slice(i);
});

test.each([
  ['10.0.0.1', 4],
  ['255.255.255.255', 4],
  ['256.0.0.1', 0],
  ['010.0.0.1', 0],
  ['10.1', 0],
  ['::', 6],
  ['::1', 6],
  ['2001:db8::', 6],
  ['2001:DB8:0:0::1', 6],
  ['::ffff:10.1.2.3', 6],
  ['fe80::1%eth0', 6],
  ['1:2:3:4:5:6:7:8:9', 0],
  ['2001:db8:::1', 0],
  ['', 0],
  [' 10.0.0.1', 0],
] as const)('%j is IPv%s (0: not an address), as net.isIP says', (text, version) => {
  expect(ipVersion(text)).toBe(version);
  expect(isIP(text)).toBe(version);
});

test('answers as net.isIP for valid, nearly valid and random address text', () => {
  fc.assert(
    fc.property(fc.oneof(v4, v6, v6Full, mapped, mutated, noise), (text) => {
      expect(ipVersion(text)).toBe(isIP(text));
    }),
    { numRuns: 20_000 },
  );
});
