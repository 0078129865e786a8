/**
 * The provider's CIDR normalisation must say exactly what the service stores (service/allow-lists), or a
 * plan would promise a `normalised_cidrs` that apply then contradicts.
 */
import fc from 'fast-check';
import { normaliseCidr as serviceNormalise, normaliseCidrSet as contractSet } from '../../../contract/cidr';
import { normaliseCidr, normaliseCidrSet, sameCidrSet } from './cidr';

const samples = [
  '10.0.0.0/8',
  '10.1.2.3/8',
  '203.0.113.7',
  ' 203.0.113.7 ',
  '0.0.0.0/0',
  '10.0.0.0/08',
  '2001:DB8:0:0::/32',
  '2001:db8::1',
  '::ffff:10.0.0.0/104',
  '::ffff:0:0/96',
  '::/0',
  'fe80::1%eth0',
  '10.1',
  '300.0.0.1',
  '10.0.0.0/33',
  '10.0.0.0/',
  '2001:db8::/129',
  'not an address',
];

function provider(text: string): string | Error {
  const n = normaliseCidr(text);
  return n instanceof Error ? n : n.normalised;
}

describe('allow list CIDRs as the provider plans them', () => {
  test.each(samples)('%j normalises as the service does', (text) => {
    const mine = provider(text);
    const theirs = serviceNormalise(text);
    if (theirs instanceof Error) expect(mine).toBeInstanceOf(Error);
    else expect(mine).toBe(theirs);
  });

  test('any IPv4 or IPv6 block normalises as the service does', () => {
    const v4 = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`);
    const v6 = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`);
    fc.assert(
      fc.property(fc.oneof(v4, v6, fc.ipV4(), fc.ipV6()), (text) => {
        const theirs = serviceNormalise(text);
        const mine = provider(text);
        return theirs instanceof Error ? mine instanceof Error : mine === theirs;
      }),
      { numRuns: 2000 },
    );
  });

  test('the set is de-duplicated and sorted as the service stores it', () => {
    const cidrs = ['2001:DB8::/32', '10.0.0.0/8', '203.0.113.7', '203.0.113.7/32', '2001:db8::/32'];
    expect({ cidrs: normaliseCidrSet(cidrs) }).toEqual(contractSet(cidrs));
    expect(sameCidrSet(cidrs, ['10.0.0.0/8', '203.0.113.7/32', '2001:db8::/32'])).toBe(true);
    expect(sameCidrSet(cidrs, ['10.0.0.0/8'])).toBe(false);
    expect(sameCidrSet(['nonsense'], ['nonsense'])).toBe(false);
  });

  test('bits set after the prefix are reported, so plan can refuse what is usually a typo', () => {
    expect(normaliseCidr('10.1.2.3/8')).toEqual({ normalised: '10.0.0.0/8', hostBitsSet: true });
    expect(normaliseCidr('10.0.0.0/8')).toEqual({ normalised: '10.0.0.0/8', hostBitsSet: false });
    expect(normaliseCidr('2001:db8::1/32')).toEqual({ normalised: '2001:db8::/32', hostBitsSet: true });
  });
});
