import fc from 'fast-check';
import { ID_PREFIXES, isId, newId } from './ids';
import { decodePageToken } from './http/pagination';

describe('resource ids', () => {
  test('ids made in a burst (many per millisecond) are unique and strictly increasing', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => newId(i % 2 ? 'auditEvent' : 'apiKey').replace(/^[a-z]+_/, ''));
    for (let i = 1; i < ids.length; i++) expect([i, ids[i - 1]! < ids[i]!]).toEqual([i, true]);
  });

  test('an earlier time always sorts first, whatever the random part', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 62 ** 8 - 2 }), fc.integer({ min: 1, max: 1_000_000 }), (t, dt) => {
        const later = Math.min(t + dt, 62 ** 8 - 1);
        expect(newId('secret', t) < newId('secret', later)).toBe(true);
      }),
    );
  });

  test('every kind has the documented shape, recognised by isId and by page tokens', () => {
    for (const kind of Object.keys(ID_PREFIXES) as (keyof typeof ID_PREFIXES)[]) {
      const id = newId(kind);
      expect(id).toMatch(new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-Za-z]{20}$`));
      expect(isId(kind, id)).toBe(true);
      expect(decodePageToken(Buffer.from(id).toString('base64url'))).toBe(id);
    }
    expect(isId('user', newId('apiKey'))).toBe(false);
  });

  test('ids sort by creation time', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((t) => newId('apiKey', t));
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^key_[0-9A-Za-z]{20}$/);
  });
});
