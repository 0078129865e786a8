/**
 * The hint a connection failure gets follows the client's reading of the error code (`failure` in
 * client/errors.ts), so a code the client learns to read as TLS gets the --ca-cert hint here too.
 */
import { KeyplaneConnectionError } from '../client';
import { describeFailure, EXIT_FAILURE } from './errors';

const request = { origin: 'https://keys.example:7420', method: 'GET', path: '/v1/api-keys', idempotent: true };
const failing = (code: string) =>
  new KeyplaneConnectionError(`cannot reach the Keyplane service at ${request.origin}: ${code} happened`, { code, attempts: 1, request });

describe('describeFailure for a connection failure', () => {
  it.each(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    'a TLS failure (%s) gets the --ca-cert hint',
    (code) => {
      const { message, exitCode } = describeFailure(failing(code));
      expect(message).toContain('--ca-cert FILE');
      expect(message).not.toContain('is the service running');
      expect(exitCode).toBe(EXIT_FAILURE);
    },
  );

  it('a refused connection asks whether the service is running', () => {
    const { message } = describeFailure(failing('ECONNREFUSED'));
    expect(message).toContain('is the service running there?');
    expect(message).not.toContain('--ca-cert');
  });

  it.each(['ENOTFOUND', 'EHOSTUNREACH'])('an unreachable host (%s) points at the endpoint', (code) => {
    const { message } = describeFailure(failing(code));
    expect(message).toMatch(/check the host.*--endpoint or KEYPLANE_ENDPOINT/);
    expect(message).not.toContain('--ca-cert');
  });

  it('a timeout of a request that changes something says it may have taken effect', () => {
    const post = { ...request, method: 'POST', idempotent: false };
    const err = new KeyplaneConnectionError('cannot reach the Keyplane service: no complete answer within 30000 ms', {
      code: 'timeout',
      attempts: 1,
      request: post,
    });
    const { message } = describeFailure(err);
    expect(message).toContain('did not answer in time');
    expect(message).toContain('check whether it took effect before repeating');
  });

  it('a timeout of a read says only that no answer came in time', () => {
    const { message } = describeFailure(failing('timeout'));
    expect(message).toContain('did not answer in time');
    expect(message).not.toContain('took effect');
  });

  it('a dropped connection gets no hint it does not need', () => {
    const { message } = describeFailure(failing('ECONNRESET'));
    expect(message).toBe(`cannot reach the Keyplane service at ${request.origin}: ECONNRESET happened`);
  });
});
