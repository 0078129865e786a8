/**
 * @module keyplane/api-key/pgp
 * pgp_key: one OpenPGP public key, ASCII-armored or base64 of the binary key. It is parsed and checked at
 * plan, when new or changed (an encryption-capable subkey or primary key, valid now), so a bad key fails
 * before any Keyplane key exists; the service encrypts the secret to it. openpgp is loaded only here, only when a pgp_key is configured: it is a large module
 * and most runs never need it.
 */
import type { Key, PublicKey } from 'openpgp';

type OpenPGP = typeof import('openpgp');
let loaded: OpenPGP | undefined;
function openpgp(): OpenPGP {
  loaded ??= require('openpgp') as OpenPGP;
  return loaded;
}

export type ParsedKey = { ok: true; key: PublicKey; fingerprint: string } | { ok: false; summary: string; detail: string };

const ARMOR = /-----BEGIN PGP PUBLIC KEY BLOCK-----/;

/** Parses and checks the key; never throws. */
export async function parsePgpKey(text: string, now = new Date()): Promise<ParsedKey> {
  const pgp = openpgp();
  let keys: Key[];
  try {
    if (ARMOR.test(text)) {
      keys = await pgp.readKeys({ armoredKeys: text });
    } else if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(text)) {
      return {
        ok: false,
        summary: 'PGP Private Key Given',
        detail: 'pgp_key holds a private key. Give the public key only (gpg --export --armor KEYID); the private key must never reach Terraform.',
      };
    } else {
      const compact = text.replace(/\s+/g, '');
      if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
        return {
          ok: false,
          summary: 'Invalid PGP Key',
          detail:
            'pgp_key is neither an ASCII-armored public key (-----BEGIN PGP PUBLIC KEY BLOCK-----) nor base64 of a binary public key (gpg --export KEYID | base64).',
        };
      }
      keys = await pgp.readKeys({ binaryKeys: new Uint8Array(Buffer.from(compact, 'base64')) });
    }
  } catch (err) {
    return {
      ok: false,
      summary: 'Invalid PGP Key',
      detail: `pgp_key could not be read as an OpenPGP public key: ${(err as Error).message}. Export it again with gpg --export --armor KEYID.`,
    };
  }
  if (keys.length !== 1)
    return {
      ok: false,
      summary: 'Several PGP Keys',
      detail: `pgp_key holds ${keys.length} keys; give exactly one public key, whose owner decrypts encrypted_secret.`,
    };
  const key = keys[0]!;
  if (key.isPrivate())
    return {
      ok: false,
      summary: 'PGP Private Key Given',
      detail: 'pgp_key holds a private key. Give the public key only (gpg --export --armor KEYID); the private key must never reach Terraform.',
    };
  try {
    await key.getEncryptionKey(undefined, now);
  } catch (err) {
    const expiry = await key.getExpirationTime().catch(() => null);
    const expired = expiry instanceof Date && expiry.getTime() <= now.getTime();
    return {
      ok: false,
      summary: expired ? 'PGP Key Expired' : 'PGP Key Cannot Encrypt',
      detail: expired
        ? `pgp_key ${key.getFingerprint().toUpperCase()} expired at ${expiry.toISOString()}. Extend its expiry (gpg --quick-set-expire) and export it again, or give another key.`
        : `pgp_key ${key.getFingerprint().toUpperCase()} has no valid encryption-capable key (${(err as Error).message}). A signing-only key cannot receive the secret; give a key with an encryption subkey.`,
    };
  }
  return { ok: true, key: key as PublicKey, fingerprint: key.getFingerprint().toUpperCase() };
}

/** The secret as an ASCII-armored OpenPGP message to `key` (what the service's PGP delivery returns; tests use it). */
export async function encryptTo(key: PublicKey, secret: string): Promise<string> {
  const pgp = openpgp();
  return (await pgp.encrypt({ message: await pgp.createMessage({ text: secret }), encryptionKeys: key, format: 'armored' })) as string;
}
