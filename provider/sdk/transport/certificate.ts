/**
 * @module transport/certificate
 * The server half of go-plugin's AutoMTLS: a fresh self-signed certificate per process, which Terraform
 * trusts because the handshake line carries it (docs/sdk/plugin-process.md#automtls).
 *
 * What Terraform's Go client checks, all verified against Terraform 1.11.4: a SAN of DNS:localhost (CN alone
 * is "legacy Common Name" and refused), an EKU allowing serverAuth, a NotBefore that is not in the future.
 * We also mirror the rest of go-plugin's own certificate (CA, key usages, clientAuth) so any go-plugin host
 * accepts it. A new key on every start: nothing is cached on disk.
 *
 * Why hand-rolled DER and not @peculiar/x509: start-up time. Terraform starts the provider 3–5 times per
 * command, and this runs before the handshake. Measured bundled with esbuild on Node 20.20 (2-core EPYC):
 * @peculiar/x509 costs ≈22 ms to load plus ≈11 ms to create a P-256 certificate through WebCrypto (and
 * needs a Reflect metadata polyfill for tsyringe); node:crypto key generation plus this encoder and an
 * ECDSA signature take 1–3 ms (the first use of node:crypto included) and load nothing.
 * certificate.test.ts parses the result back with crypto.X509Certificate to prove every field.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  namedBits,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der';

export interface ServerCertificate {
  /** The certificate as DER: the handshake carries it in base64. */
  der: Buffer;
  /** PEM forms, as grpc-js wants them. */
  certPem: string;
  /** PKCS#8 PEM of the ECDSA P-256 private key. */
  keyPem: string;
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

/** KeyUsage bit positions (RFC 5280 §4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyAgreement: 4, keyCertSign: 5 };

/** Clock skew allowance, as go-plugin: the certificate is valid from 30 s ago. */
export const NOT_BEFORE_SKEW_MS = 30_000;
/** A provider process lives for one Terraform command, a debug session at most; a year is plenty. */
const VALIDITY_MS = 365 * 24 * 3600_000;

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A new ECDSA P-256 key and a self-signed certificate for `localhost`, valid from now−30 s (UTC). */
export function generateServerCertificate(now: Date = new Date()): ServerCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = sequence(set(sequence(oid(OID.commonName), utf8String('localhost'))));
  const algorithm = sequence(oid(OID.ecdsaWithSha256)); // ECDSA signature algorithms take no parameters
  // 128 random bits, top bit clear (serials are positive) and second bit set (no leading zero byte).
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  const extensions = sequence(
    extension(OID.basicConstraints, true, sequence(boolean(true))),
    extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyEncipherment, KEY_USAGE.keyAgreement, KEY_USAGE.keyCertSign])),
    extension(OID.extKeyUsage, false, sequence(oid(OID.clientAuth), oid(OID.serverAuth))),
    extension(OID.subjectAltName, false, sequence(implicitPrimitive(2, Buffer.from('localhost', 'ascii')))), // [2] dNSName
  );
  const tbs = sequence(
    explicit(0, smallInteger(2)), // version v3, needed for extensions
    unsignedInteger(serial),
    algorithm,
    name, // issuer = subject: self-signed
    sequence(time(new Date(now.getTime() - NOT_BEFORE_SKEW_MS)), time(new Date(now.getTime() + VALIDITY_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA-Sig-Value
  const der = sequence(tbs, algorithm, bitString(signature));
  return { der, certPem: pem('CERTIFICATE', der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
