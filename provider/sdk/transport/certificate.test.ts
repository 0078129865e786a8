import { X509Certificate, createPrivateKey } from 'node:crypto';
import { generateServerCertificate, NOT_BEFORE_SKEW_MS } from './certificate';
import { namedBits, oid, time, unsignedInteger } from './der';

describe('generateServerCertificate', () => {
  const now = new Date('2026-12-01T19:28:10.000Z');
  const cert = generateServerCertificate(now);
  const x509 = new X509Certificate(cert.der);

  it('is self-signed for CN=localhost with a SAN of DNS:localhost (Go refuses CN alone)', () => {
    expect(x509.subject).toBe('CN=localhost');
    expect(x509.issuer).toBe('CN=localhost');
    expect(x509.subjectAltName).toBe('DNS:localhost');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIssued(x509)).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
  });

  it('allows serverAuth and clientAuth, and is a CA like go-plugin certificates', () => {
    expect([...(x509.keyUsage ?? [])].sort()).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(x509.ca).toBe(true);
  });

  it('is valid from 30 s before now, in UTC, and for hours at least', () => {
    expect(new Date(x509.validFrom).getTime()).toBe(now.getTime() - NOT_BEFORE_SKEW_MS);
    expect(new Date(x509.validTo).getTime() - now.getTime()).toBeGreaterThan(24 * 3600_000);
  });

  it('has an ECDSA P-256 key whose PKCS#8 PEM matches the certificate', () => {
    expect(x509.publicKey.asymmetricKeyType).toBe('ec');
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(x509.checkPrivateKey(createPrivateKey(cert.keyPem))).toBe(true);
    expect(new X509Certificate(cert.certPem).raw).toEqual(cert.der);
  });

  it('has a positive 128-bit serial and a fresh key every time', () => {
    expect(x509.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    const other = new X509Certificate(generateServerCertificate(now).der);
    expect(other.serialNumber).not.toBe(x509.serialNumber);
    expect(other.publicKey.export({ type: 'spki', format: 'der' })).not.toEqual(x509.publicKey.export({ type: 'spki', format: 'der' }));
  });
});

describe('der', () => {
  it.each([
    ['1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
    ['2.5.29.17', '0603551d11'],
    ['1.3.6.1.5.5.7.3.1', '06082b06010505070301'],
  ])('encodes OID %s', (dotted, hex) => {
    expect(oid(dotted).toString('hex')).toBe(hex);
  });

  it('encodes integers minimally and positive', () => {
    expect(unsignedInteger(Buffer.from([0x00, 0x00, 0x05])).toString('hex')).toBe('020105');
    expect(unsignedInteger(Buffer.from([0x80])).toString('hex')).toBe('02020080');
    expect(unsignedInteger(Buffer.from([0x00])).toString('hex')).toBe('020100');
  });

  it('trims named bit strings (digitalSignature alone is 03 02 07 80)', () => {
    expect(namedBits([0]).toString('hex')).toBe('03020780');
    expect(namedBits([0, 2, 4, 5]).toString('hex')).toBe('030202ac');
  });

  it('writes UTCTime through 2049 and GeneralizedTime from 2050', () => {
    expect(time(new Date('2049-12-31T23:59:59Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
  });
});
