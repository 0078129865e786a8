/**
 * The rule for an OpenPGP public key a secret is encrypted to: one public key, ASCII-armored or base64 of the
 * binary key, not a private key, with an encryption-capable (sub)key valid now. The service applies it to
 * `delivery.pgp_public_key` (service/keys/delivery.ts), the provider to `pgp_key` at plan
 * (provider/keyplane/api-key/pgp.ts); every message names the field the caller gives, so each says its own.
 * openpgp is a large module that most runs never need: it is loaded on first use, never at import.
 * @module
 */
import type { Key, PublicKey } from 'openpgp';

type OpenPGP = typeof import('openpgp');
let loaded: OpenPGP | undefined;
function openpgp(): OpenPGP {
  loaded ??= require('openpgp') as OpenPGP;
  return loaded;
}

/** A usable key and its fingerprint (upper-case hex), or why the text is not one: a short title and the detail. */
export type ParsedPgpKey = { ok: true; key: PublicKey; fingerprint: string } | { ok: false; summary: string; detail: string };

const PUBLIC_ARMOR = /-----BEGIN PGP PUBLIC KEY BLOCK-----/;
const PRIVATE_ARMOR = /-----BEGIN PGP PRIVATE KEY BLOCK-----/;

/** Parses and checks `text`, given as `field`; never throws. */
export async function parsePgpPublicKey(text: string, field: string, now = new Date()): Promise<ParsedPgpKey> {
  const privateGiven = {
    ok: false,
    summary: 'PGP Private Key Given',
    detail: `${field} holds a private key. Give the public key only (gpg --export --armor KEYID); the private key must never leave its owner.`,
  } as const;
  const pgp = openpgp();
  let keys: Key[];
  // readKeys reads only the first of several armored blocks pasted together: count them here.
  const blocks = text.match(new RegExp(PUBLIC_ARMOR.source, 'g'))?.length ?? 0;
  if (blocks > 1) return severalKeys(field, blocks);
  try {
    if (PUBLIC_ARMOR.test(text)) {
      keys = await pgp.readKeys({ armoredKeys: text });
    } else if (PRIVATE_ARMOR.test(text)) {
      return privateGiven;
    } else {
      const compact = text.replace(/\s+/g, '');
      if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
        return {
          ok: false,
          summary: 'Invalid PGP Key',
          detail: `${field} is neither an ASCII-armored public key (-----BEGIN PGP PUBLIC KEY BLOCK-----) nor base64 of a binary public key (gpg --export KEYID | base64).`,
        };
      }
      keys = await pgp.readKeys({ binaryKeys: new Uint8Array(Buffer.from(compact, 'base64')) });
    }
  } catch (err) {
    return {
      ok: false,
      summary: 'Invalid PGP Key',
      detail: `${field} could not be read as an OpenPGP public key: ${(err as Error).message}. Export it again with gpg --export --armor KEYID.`,
    };
  }
  if (keys.length !== 1) return severalKeys(field, keys.length);
  const key = keys[0]!;
  if (key.isPrivate()) return privateGiven;
  const fingerprint = key.getFingerprint().toUpperCase();
  try {
    await key.getEncryptionKey(undefined, now);
  } catch (err) {
    const expiry = await key.getExpirationTime().catch(() => null);
    const expired = expiry instanceof Date && expiry.getTime() <= now.getTime();
    return {
      ok: false,
      summary: expired ? 'PGP Key Expired' : 'PGP Key Cannot Encrypt',
      detail: expired
        ? `${field} ${fingerprint} expired at ${expiry.toISOString()}. Extend its expiry (gpg --quick-set-expire) and export it again, or give another key.`
        : `${field} ${fingerprint} has no valid encryption-capable key (${(err as Error).message}). A signing-only key cannot receive the secret; give a key with an encryption subkey.`,
    };
  }
  return { ok: true, key: key as PublicKey, fingerprint };
}

function severalKeys(field: string, count: number): ParsedPgpKey {
  return { ok: false, summary: 'Several PGP Keys', detail: `${field} holds ${count} keys; give exactly one public key, whose owner decrypts the secret.` };
}

/** `secret` as an ASCII-armored OpenPGP message to `key`. */
export async function encryptToPgpKey(key: PublicKey, secret: string): Promise<string> {
  const pgp = openpgp();
  return (await pgp.encrypt({ message: await pgp.createMessage({ text: secret }), encryptionKeys: key, format: 'armored' })) as string;
}
