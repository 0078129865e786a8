/**
 * Properties of CIDR normalisation and matching over random addresses and prefixes, and the IPv4-mapped
 * IPv6 and zone cases the table in cidr.test.ts does not cover.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { addressInRanges, isClientAddress, normaliseCidr, parseAddress, parseNormalisedCidr } from './cidr';

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => new ipaddr.IPv6(g).toString());

const toBig = (a: ipaddr.IPv4 | ipaddr.IPv6) => a.toByteArray().reduce((n, b) => (n << 8n) | BigInt(b), 0n);
const fromBig = (n: bigint, bytes: number) => {
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) out.unshift(Number((n >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(out);
};

describe.each([
  ['IPv4', v4, 32, 4],
  ['IPv6', v6, 128, 16],
] as const)('%s', (_family, address, bits, bytes) => {
  test('normalising clears host bits, is idempotent, and keeps the original address inside', () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 0, max: bits }), (addr, prefix) => {
        const normal = normaliseCidr(`${addr}/${prefix}`) as string;
        expect(typeof normal).toBe('string');
        expect(normaliseCidr(normal)).toBe(normal);
        const [net, len] = parseNormalisedCidr(normal);
        expect(len).toBe(prefix);
        const hostMask = (1n << BigInt(bits - prefix)) - 1n;
        expect(toBig(net) & hostMask).toBe(0n);
        expect(addressInRanges(parseAddress(addr)!, [[net, len]])).toBe(true);
      }),
    );
  });

  test('the addresses just outside a range do not match', () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 1, max: bits }), (addr, prefix) => {
        const [net, len] = parseNormalisedCidr(normaliseCidr(`${addr}/${prefix}`) as string);
        const first = toBig(net);
        const size = 1n << BigInt(bits - prefix);
        const max = (1n << BigInt(bits)) - 1n;
        if (first > 0n) expect(addressInRanges(fromBig(first - 1n, bytes), [[net, len]])).toBe(false);
        if (first + size <= max) expect(addressInRanges(fromBig(first + size, bytes), [[net, len]])).toBe(false);
        expect(addressInRanges(fromBig(first + size - 1n, bytes), [[net, len]])).toBe(true);
      }),
    );
  });

  test('a bare address is a single-host range', () => {
    fc.assert(
      fc.property(address, (addr) => {
        const normal = normaliseCidr(addr) as string;
        expect(normal.endsWith(`/${bits}`)).toBe(true);
        expect(normaliseCidr(`${addr}/${bits}`)).toBe(normal);
      }),
    );
  });

  test(`prefixes above /${bits} are refused`, () => {
    fc.assert(
      fc.property(address, fc.integer({ min: bits + 1, max: 999 }), (addr, prefix) => {
        expect(normaliseCidr(`${addr}/${prefix}`)).toBeInstanceOf(Error);
      }),
    );
  });
});

describe('IPv4-mapped IPv6', () => {
  test.each([
    ['::ffff:10.1.2.3', '10.1.2.3/32'],
    ['::ffff:10.1.2.3/104', '10.0.0.0/8'],
    ['::FFFF:0A01:0203/128', '10.1.2.3/32'],
    ['::ffff:0.0.0.0/96', '0.0.0.0/0'],
    ['::ffff:0:0/95', '::fffe:0:0/95'], // wider than the mapped block: stays IPv6
  ])('%s is written %s', (input, expected) => {
    expect(normaliseCidr(input)).toBe(expected);
  });

  test('an IPv4 client matches a mapped range written either way, a mapped client an IPv4 range', () => {
    fc.assert(
      fc.property(v4, fc.integer({ min: 0, max: 32 }), (addr, prefix) => {
        const asV4 = parseNormalisedCidr(normaliseCidr(`${addr}/${prefix}`) as string);
        const rawMapped = ipaddr.parseCIDR(`::ffff:${addr}/${prefix + 96}`) as [ipaddr.IPv6, number];
        expect(addressInRanges(parseAddress(addr)!, [rawMapped])).toBe(true);
        expect(addressInRanges(parseAddress(`::ffff:${addr}`)!, [asV4])).toBe(true);
        expect(normaliseCidr(`::ffff:${addr}/${prefix + 96}`)).toBe(normaliseCidr(`${addr}/${prefix}`));
      }),
    );
  });

  test('an IPv6 client outside the mapped block never matches an IPv4 range', () => {
    expect(addressInRanges(parseAddress('::a01:203')!, [parseNormalisedCidr('10.0.0.0/8')])).toBe(false);
    expect(addressInRanges(parseAddress('64:ff9b::a01:203')!, [parseNormalisedCidr('10.0.0.0/8')])).toBe(false);
  });
});

describe('zones and odd notations', () => {
  test.each(['fe80::1%eth0', 'fe80::%1/64', '010.0.0.1', '10.0.0.1/08/1', '10.0.0.0/ 8', '/8', '', ' ', '10.0.0.0\n/8', '::ffff:10.0.0.0/104x'])(
    '%j is refused',
    (input) => {
      expect(normaliseCidr(input)).toBeInstanceOf(Error);
    },
  );

  test('a client address with a zone matches by its address', () => {
    expect(parseAddress('fe80::1%eth0')?.toString()).toBe('fe80::1');
    expect(addressInRanges(parseAddress('fe80::1%2')!, [parseNormalisedCidr('fe80::/10')])).toBe(true);
    expect(parseAddress('10.0.0.1%eth0')).toBeUndefined();
    expect(parseAddress('%eth0')).toBeUndefined();
  });
});

describe('isClientAddress (the syntax check verify makes of client_ip) takes exactly what parseAddress parses', () => {
  const v6Full = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((n) => n.toString(16)).join(':'));
  const mapped = v4.map((a) => `::ffff:${a}`);
  const embedded = fc.tuple(fc.array(fc.nat(0xffff), { minLength: 0, maxLength: 5 }), v4).map(([g, a]) => `${g.map((n) => n.toString(16)).join(':')}::${a}`);
  const valid = fc.oneof(v4, v6, v6Full, mapped, embedded);
  const zoned = fc.tuple(valid, fc.string({ unit: fc.constantFrom(...'abz019-.:%'), maxLength: 8 })).map(([a, z]) => `${a}%${z}`);
  /** Strings of address characters: nearly all invalid, many nearly valid. */
  const noise = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg:.%/ -'), maxLength: 45 });
  /** A valid address with one character changed, dropped or doubled. */
  const mutated = fc.tuple(valid, fc.nat(), fc.constantFrom(...'0:.f1%x'), fc.nat(2)).map(([s, at, c, how]) => {
    const i = at % (s.length + 1);
    return how === 0 ? s.slice(0, i) + c + s.slice(i + 1) : how === 1 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + c + s.slice(i);
  });

  test.each(['10.0.0.1', '::ffff:10.0.0.1', 'fe80::1%eth0', '2001:db8::1', '::', '10.0.0.1%eth0', '010.0.0.1', '1.2.3', '', '%', '::%', 'fe80::1%'])(
    '%j',
    (text) => {
      expect(isClientAddress(text)).toBe(parseAddress(text) !== undefined);
    },
  );

  test('over valid, zoned, nearly valid and random address text', () => {
    fc.assert(
      fc.property(fc.oneof(valid, zoned, mutated, noise), (text) => {
        expect(isClientAddress(text)).toBe(parseAddress(text) !== undefined);
      }),
      { numRuns: 30_000 },
    );
  });

  test('over every placement of "::" among up to eight groups, with and without an IPv4 tail or a zone', () => {
    // The random forms above seldom write seven groups beside "::" or six before an IPv4 tail without one.
    const group = (i: number) => ['1', 'ab', 'ffff', '0'][i % 4]!;
    for (let left = 0; left <= 8; left++) {
      for (let right = 0; left + right <= 8; right++) {
        for (const tail of [[], ['1.2.3.4']]) {
          const l = Array.from({ length: left }, (_, i) => group(i));
          const r = [...Array.from({ length: right }, (_, i) => group(i + 1)), ...tail];
          for (const text of [`${l.join(':')}::${r.join(':')}`, [...l, ...r].join(':')]) {
            for (const form of [text, text.toUpperCase(), `${text}%eth0`, `::ffff:${text}`]) {
              expect([form, isClientAddress(form)]).toEqual([form, parseAddress(form) !== undefined]);
            }
          }
        }
      }
    }
  });
});
