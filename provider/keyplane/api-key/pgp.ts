/**
 * @module keyplane/api-key/pgp
 * pgp_key: one OpenPGP public key, ASCII-armored or base64 of the binary key, checked at plan when new or
 * changed, so a bad key fails before any Keyplane key exists. The rule is the service's own
 * (contract/pgp-key.ts, which loads openpgp only when a key is parsed); here it speaks of `pgp_key`.
 */
import { type ParsedPgpKey, parsePgpPublicKey } from '../../../contract/pgp-key';

/** Parses and checks the key; never throws. */
export function parsePgpKey(text: string, now = new Date()): Promise<ParsedPgpKey> {
  return parsePgpPublicKey(text, 'pgp_key', now);
}
