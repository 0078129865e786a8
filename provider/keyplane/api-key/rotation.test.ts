import { Unknown } from '../../sdk';
import { plannedRotation } from './rotation';

describe('plannedRotation', () => {
  const created = '2026-01-01T00:00:00.000Z';
  const readAt = Date.parse('2026-01-31T00:00:00.000Z');
  const state = (over: object = {}) => ({
    rotation: { triggers: { v: '1' }, overlap: '24h', rotate_after: null },
    created_at: created,
    rotated_at: null,
    secret_version: 1,
    ...over,
  });
  test('all known: as rotationDue', () => {
    expect(plannedRotation({ triggers: { v: '1' }, rotate_after: null }, state(), 1, readAt)).toBeUndefined();
    expect(plannedRotation({ triggers: { v: '2' }, rotate_after: null }, state(), 1, readAt)).toEqual({ why: 'triggers' });
    expect(plannedRotation({ triggers: { v: '1' }, rotate_after: '720h' }, state(), 1, readAt)).toEqual({ why: 'age', since: created, after: '720h' });
    expect(plannedRotation(null, state(), 1, readAt)).toBeUndefined();
  });
  test('the age is judged at the read, never at the clock: no read, no age rotation', () => {
    expect(plannedRotation({ triggers: { v: '1' }, rotate_after: '720h' }, state(), 1, undefined)).toBeUndefined();
    expect(plannedRotation({ triggers: { v: '1' }, rotate_after: '720h' }, state(), 1, Date.parse(created) + 719 * 3600_000)).toBeUndefined();
  });
  test('triggers unknown, wholly or in part, under a kept block: decided at apply', () => {
    expect(plannedRotation({ triggers: Unknown, rotate_after: null }, state(), 1, readAt)).toEqual({ why: 'unknown' });
    expect(plannedRotation({ triggers: { v: Unknown }, rotate_after: null }, state(), 1, readAt)).toEqual({ why: 'unknown' });
    // A block added now does not rotate, whatever its triggers.
    expect(plannedRotation({ triggers: Unknown, rotate_after: null }, state({ rotation: null }), 1, readAt)).toBeUndefined();
  });
  test('what is known already decides first', () => {
    expect(plannedRotation({ triggers: Unknown, rotate_after: '720h' }, state(), 1, readAt)).toEqual({ why: 'age', since: created, after: '720h' });
    expect(plannedRotation({ triggers: Unknown, rotate_after: null }, state({ secret_version: 3 }), 2, readAt)).toEqual({
      why: 'undelivered',
      delivered: 2,
      current: 3,
    });
  });
  test('rotate_after unknown: decided at apply once the key was read', () => {
    expect(plannedRotation({ triggers: { v: '1' }, rotate_after: Unknown }, state(), 1, readAt)).toEqual({ why: 'unknown' });
    expect(plannedRotation({ triggers: { v: '1' }, rotate_after: Unknown }, state(), 1, undefined)).toBeUndefined();
  });
  test('the whole block unknown: decided at apply when it may rotate', () => {
    expect(plannedRotation(Unknown, state(), 1, readAt)).toEqual({ why: 'unknown' });
    expect(plannedRotation(Unknown, state({ rotation: null }), 1, undefined)).toBeUndefined();
  });
});
