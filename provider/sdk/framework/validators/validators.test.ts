import fc from 'fast-check';
import { Value } from '../../cty/value';
import * as T from '../../cty/types';
import { Diagnostics } from '../diagnostics';
import { alsoRequires, cidr, conflictsWith, matchesRegex, oneOf, parseRFC3339, rfc3339, stringLength } from './index';
import type { Validator } from './validator';

function run(v: Validator, value: Value, parent: Value = Value.null(T.emptyObject)): Diagnostics {
  const diags = new Diagnostics();
  v.validate({ path: [{ attr: 'field' }], value, parent, config: parent }, diags);
  return diags;
}

const s = (x: string) => Value.string(x);
const errors = (d: Diagnostics) => d.toArray().map((x) => `${x.summary}: ${x.detail}`);

describe('validators skip what they cannot judge yet', () => {
  const all: Validator[] = [stringLength(1, 3), oneOf('a'), matchesRegex(/^a$/, 'a'), rfc3339(), cidr()];
  it.each(all.map((v) => [v.description, v]))('%s: unknown and null pass', (_d, v) => {
    expect(run(v, Value.unknown(T.string)).length).toBe(0);
    expect(run(v, Value.unknown(T.string, { notNull: true, stringPrefix: 'zzzz' })).length).toBe(0);
    expect(run(v, Value.null(T.string)).length).toBe(0);
  });
});

describe('stringLength', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(run(stringLength(1, 2), s('😀😀')).length).toBe(0);
    expect(errors(run(stringLength(1, 2), s('abc')))).toEqual(['Invalid String Length: The value must be between 1 and 2 characters long; it is 3.']);
  });
  it('points at the attribute', () => {
    expect(run(stringLength(1), s('')).toArray()[0]!.path).toEqual([{ attr: 'field' }]);
  });
});

describe('oneOf and matchesRegex', () => {
  it('names the allowed values', () => {
    expect(errors(run(oneOf('admin', 'viewer'), s('root')))[0]).toContain('Use one of "admin", "viewer"');
    expect(run(oneOf('admin'), s('admin')).length).toBe(0);
  });
  it('says what the pattern means', () => {
    expect(errors(run(matchesRegex(/^[a-z-]+$/, 'lowercase letters and dashes'), s('A')))[0]).toContain('must be lowercase letters and dashes');
  });
});

describe('rfc3339', () => {
  it.each(['2030-01-02T15:04:05Z', '2030-01-02T18:04:05+03:00', '2030-01-02T15:04:05.123456789Z', '2024-02-29T00:00:00-00:30', '0000-02-29T00:00:00Z'])(
    'accepts %s',
    (t) => {
      expect(run(rfc3339(), s(t)).length).toBe(0);
    },
  );
  it.each([
    '2030-01-02',
    '2030-02-30T00:00:00Z',
    '2030-01-02 15:04:05Z',
    '2030-13-01T00:00:00Z',
    '2030-01-02T24:00:00Z',
    '2030-01-02T15:04:05+0300',
    'tomorrow',
    '2030-01-02T10:00:60Z',
    '2100-02-29T00:00:00Z',
  ])('refuses %s', (t) => {
    expect(errors(run(rfc3339(), s(t)))[0]).toMatch(/^Invalid RFC 3339 Timestamp/);
  });
  it('parses offsets to the same instant', () => {
    expect(parseRFC3339('2030-01-02T18:04:05+03:00')).toBe(parseRFC3339('2030-01-02T15:04:05Z'));
    expect(parseRFC3339('2030-01-02T15:04:05.5Z')! - parseRFC3339('2030-01-02T15:04:05Z')!).toBe(500);
    // Whole milliseconds, finer digits dropped as JS dates (and the Keyplane service) drop them.
    expect(parseRFC3339('2030-01-02T15:04:05.9999999Z')! - parseRFC3339('2030-01-02T15:04:05Z')!).toBe(999);
    // Years below 100 are years, not 1900 + n.
    expect(new Date(parseRFC3339('0050-06-01T00:00:00Z')!).getUTCFullYear()).toBe(50);
  });
});

describe('cidr', () => {
  it.each(['10.0.0.0/8', '0.0.0.0/0', '192.168.1.7/32', '2001:db8::/32', '::/0', 'fe80::1/128'])('accepts %s', (c) => {
    expect(run(cidr(), s(c)).length).toBe(0);
  });
  it.each(['10.0.0.0', '10.0.0.0/33', '10.0.0/8', '2001:db8::/129', 'x/8', '10.0.0.0/08x', '::ffff:1.2.3.4/96', 'fe80::1%eth0/128', 'fe80::%eth0/64'])(
    'refuses %s',
    (c) => {
      expect(errors(run(cidr(), s(c)))[0]).toMatch(/^Invalid CIDR Block: .* is not a CIDR block/);
    },
  );
  it('refuses host bits after the prefix unless allowed', () => {
    expect(errors(run(cidr(), s('10.0.0.1/8')))[0]).toContain('has bits set after its /8 prefix');
    expect(errors(run(cidr(), s('2001:db8::1/64')))[0]).toContain('/64 prefix');
    expect(run(cidr({ allowHostBits: true }), s('10.0.0.1/8')).length).toBe(0);
  });
});

describe('conflictsWith and alsoRequires', () => {
  const parentType = T.object({ field: T.string, other: T.string });
  const parent = (other: Value) => Value.object(parentType, { field: s('x'), other });
  it('an unknown sibling still conflicts', () => {
    expect(errors(run(conflictsWith('other'), s('x'), parent(Value.unknown(T.string))))).toEqual([
      'Invalid Attribute Combination: "field" cannot be set together with "other". Remove one of them.',
    ]);
    expect(run(conflictsWith('other'), s('x'), parent(Value.null(T.string))).length).toBe(0);
  });
  it('alsoRequires points at the missing sibling', () => {
    const d = run(alsoRequires('other'), s('x'), parent(Value.null(T.string)));
    expect(d.toArray()[0]!.path).toEqual([{ attr: 'other' }]);
  });
});

describe('cidr host bits, against a reference computed with BigInt', () => {
  const v4 = (a: number[]) => a.join('.');
  const v6 = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  const bits = (parts: number[], width: number) => parts.reduce((acc, p) => (acc << BigInt(width)) | BigInt(p), 0n);
  it('refuses exactly the blocks whose host part is not zero, for any prefix', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.nat(128), (six, groups, p) => {
        const parts = six ? groups : groups.slice(0, 4).map((g) => g & 0xff);
        const total = six ? 128 : 32;
        const prefix = p % (total + 1);
        const value = bits(parts, six ? 16 : 8);
        const hostSet = (value & ((1n << BigInt(total - prefix)) - 1n)) !== 0n;
        const text = `${six ? v6(parts) : v4(parts)}/${prefix}`;
        expect(run(cidr(), s(text)).length > 0).toBe(hostSet);
      }),
    );
  });
});
