import { isDatabaseUnavailable } from './unavailable';

test.each([
  [{ code: '57P01', message: 'terminating connection due to administrator command' }, true],
  [{ code: '57P03', message: 'the database system is starting up' }, true],
  [{ code: '08006', message: 'connection failure' }, true],
  [{ code: 'ECONNRESET', message: 'read ECONNRESET' }, true],
  [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }, true],
  [new Error('Connection terminated unexpectedly'), true],
  [new Error('Client has encountered a connection error and is not queryable'), true],
  [{ code: '23505', message: 'duplicate key value violates unique constraint' }, false],
  [{ code: '40P01', message: 'deadlock detected' }, false],
  [new Error('boom'), false],
  ['Connection terminated', false],
  [null, false],
])('%o is unavailable: %s', (err, expected) => {
  expect(isDatabaseUnavailable(err)).toBe(expected);
});
