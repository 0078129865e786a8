/** OpenPGP key pairs for the tests of `pgp_key` (an encrypted secret must open with the private half). */
import * as openpgp from 'openpgp';

export interface ArmoredKeyPair {
  publicKey: string;
  privateKey: string;
}

/** An armored curve25519 key pair; `options` make the odd ones (no encryption subkey, already expired). */
export async function pgpKeyPair(options: Partial<Omit<openpgp.KeyOptions, 'format'>> = {}): Promise<ArmoredKeyPair> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: 'Terraform Test', email: 'tf@example.com' }],
    ...options,
    format: 'armored',
  });
  return { publicKey, privateKey };
}

/** The plaintext of an armored message encrypted to `privateKey`'s public half. */
export async function pgpDecrypt(armoredMessage: string, privateKey: string): Promise<string> {
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
  });
  return data;
}
