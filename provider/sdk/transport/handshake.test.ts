import { APP_PROTOCOL_VERSION, chooseProtocolVersion, handshakeLine, MAGIC_COOKIE_VALUE, notAPluginMessage } from './handshake';

describe('chooseProtocolVersion', () => {
  it.each([
    ['5,6', true],
    ['6,5', true],
    [' 5 , 6 ', true],
    ['6', true],
    ['5', false],
    ['4,5', false],
    ['', true],
    [undefined, true],
  ])('offered %p: speaks 6 = %p', (offered, ok) => {
    const choice = chooseProtocolVersion(offered);
    expect(choice.ok).toBe(ok);
    if (choice.ok) expect(choice.version).toBe(6);
    else expect(choice.message).toMatch(/protocol 6 only.*offers protocol version\(s\) /);
  });
});

describe('handshakeLine', () => {
  it('is 1|6|unix|path|grpc| with an empty certificate field for plaintext', () => {
    expect(handshakeLine({ network: 'unix', address: '/tmp/plugin123' })).toBe('1|6|unix|/tmp/plugin123|grpc|\n');
  });

  it('is 1|6|tcp|127.0.0.1:PORT|grpc|CERT for a TCP listener', () => {
    const line = handshakeLine({ network: 'tcp', address: '127.0.0.1:10000', certificateDer: Buffer.from([1, 2, 3]) });
    expect(line).toBe('1|6|tcp|127.0.0.1:10000|grpc|AQID\n');
  });

  it('carries the DER as standard base64 without = padding (go-plugin uses RawStdEncoding)', () => {
    for (const length of [300, 301, 302]) {
      const der = Buffer.alloc(length, 0xfb); // 0xfb... encodes to "+/" characters: standard, not URL-safe
      const line = handshakeLine({ network: 'unix', address: '/s', certificateDer: der });
      const cert = line.trim().split('|')[5]!;
      expect(cert).not.toMatch(/=/);
      expect(cert).toMatch(/^[A-Za-z0-9+/]+$/);
      expect(Buffer.from(cert, 'base64')).toEqual(der);
    }
  });

  it('has no spaces in any field and exactly one trailing newline', () => {
    const line = handshakeLine({ network: 'unix', address: '/tmp/p', certificateDer: Buffer.from('abc') });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/\s/);
    expect(line.split('|').slice(0, 2)).toEqual(['1', String(APP_PROTOCOL_VERSION)]);
  });
});

describe('the cookie and the message for people', () => {
  it("is Terraform's cookie", () => {
    expect(MAGIC_COOKIE_VALUE).toBe('d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2');
  });

  it('says it is a Terraform plugin and points at --debug', () => {
    const text = notAPluginMessage('terraform-provider-x');
    expect(text).toMatch(/terraform-provider-x is a Terraform provider plugin/);
    expect(text).toMatch(/--debug/);
  });
});
