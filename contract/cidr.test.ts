import { addressInRanges, inspectCidr, normaliseCidr, normaliseCidrSet, parseAddress, parseNormalisedCidr, sameCidrSet } from './cidr';

describe('CIDR normalisation', () => {
  test.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['192.168.1.7', '192.168.1.7/32'],
    ['2001:DB8:0:0::1/32', '2001:db8::/32'],
    ['::1', '::1/128'],
    [' 172.16.5.4/12 ', '172.16.0.0/12'],
    ['0.0.0.0/0', '0.0.0.0/0'],
  ])('%s becomes %s', (input, expected) => {
    expect(normaliseCidr(input)).toBe(expected);
  });

  test.each(['10.0.0.0/33', '300.1.1.1/8', 'not-an-ip', '10.0.0.0/', '2001:db8::/129', '10.0.0.0/8/8'])('%s is rejected with the value named', (input) => {
    const result = normaliseCidr(input);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toContain(input);
  });
});

describe('address matching', () => {
  const ranges = ['10.0.0.0/8', '2001:db8::/32'].map(parseNormalisedCidr);
  test.each([
    ['10.200.1.1', true],
    ['11.0.0.1', false],
    ['2001:db8::42', true],
    ['2001:db9::1', false],
    ['::ffff:10.1.1.1', true], // IPv4-mapped IPv6 counts as IPv4
  ])('%s inside: %s', (addr, inside) => {
    expect(addressInRanges(parseAddress(addr)!, ranges)).toBe(inside);
  });
  test('garbage is not an address', () => expect(parseAddress('10.0.0')).toBeUndefined());
});

describe('sets of CIDRs, as the service stores them and the provider plans them', () => {
  test('bits set after the prefix are reported, so plan can refuse what is usually a typo', () => {
    expect(inspectCidr('10.1.2.3/8')).toEqual({ normalised: '10.0.0.0/8', hostBitsSet: true });
    expect(inspectCidr('10.0.0.0/8')).toEqual({ normalised: '10.0.0.0/8', hostBitsSet: false });
    expect(inspectCidr('2001:db8::1/32')).toEqual({ normalised: '2001:db8::/32', hostBitsSet: true });
    expect(inspectCidr('203.0.113.7')).toEqual({ normalised: '203.0.113.7/32', hostBitsSet: false });
    expect(inspectCidr('fe80::1%eth0')).toBeInstanceOf(Error);
  });

  test('a set is normalised, de-duplicated and sorted; the first invalid entry is named by index', () => {
    const cidrs = ['2001:DB8::/32', '10.0.0.0/8', '203.0.113.7', '203.0.113.7/32', '2001:db8::/32'];
    expect(normaliseCidrSet(cidrs)).toEqual({ cidrs: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7/32'] });
    const bad = normaliseCidrSet(['10.0.0.0/8', '10.1', 'x']);
    expect(bad).toEqual({ index: 1, error: expect.any(Error) });
    expect((bad as { error: Error }).error.message).toContain('"10.1"');
  });

  test('two spellings of one set are the same set; an invalid entry matches nothing', () => {
    const cidrs = ['2001:DB8::/32', '10.0.0.0/8', '203.0.113.7', '203.0.113.7/32', '2001:db8::/32'];
    expect(sameCidrSet(cidrs, ['10.0.0.0/8', '203.0.113.7/32', '2001:db8::/32'])).toBe(true);
    expect(sameCidrSet(cidrs, ['10.0.0.0/8'])).toBe(false);
    expect(sameCidrSet(['nonsense'], ['nonsense'])).toBe(false);
  });
});

test.each([
  ['10.0.0.0/8', '10.0.0.0/8'],
  ['10.1.2.3/8', '10.0.0.0/8'],
  ['203.0.113.7', '203.0.113.7/32'],
  [' 203.0.113.7 ', '203.0.113.7/32'],
  ['0.0.0.0/0', '0.0.0.0/0'],
  ['10.0.0.0/08', '10.0.0.0/8'],
  ['2001:DB8:0:0::/32', '2001:db8::/32'],
  ['2001:db8::1', '2001:db8::1/128'],
  ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
  ['::ffff:0:0/96', '0.0.0.0/0'],
  ['::/0', '::/0'],
  ['fe80::1%eth0', null],
  ['10.1', null],
  ['300.0.0.1', null],
  ['10.0.0.0/33', null],
  ['10.0.0.0/', null],
  ['2001:db8::/129', null],
  ['not an address', null],
])('%j is stored as %j (null: refused)', (text, stored) => {
  const n = normaliseCidr(text);
  if (stored === null) expect(n).toBeInstanceOf(Error);
  else expect(n).toBe(stored);
});
