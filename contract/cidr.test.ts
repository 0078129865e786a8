import { addressInRanges, normaliseCidr, parseAddress, parseNormalisedCidr } from './cidr';

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
