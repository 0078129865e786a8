/**
 * The release signing key and the detached signature over SHA256SUMS: binary, not armored, as `gpg
 * --detach-sign` writes it and as Terraform reads `…_SHA256SUMS.sig`. The key is an armored OpenPGP private
 * key read from a file, with its passphrase from the environment when it has one.
 */
import * as openpgp from 'openpgp';

export const SIGNING_KEY_FILE_ENV = 'KEYPLANE_RELEASE_SIGNING_KEY_FILE';
export const SIGNING_KEY_PASSPHRASE_ENV = 'KEYPLANE_RELEASE_SIGNING_KEY_PASSPHRASE';

/** The private key in `armoredKey`, decrypted with `passphrase` when it is protected. */
export async function readSigningKey(armoredKey: string, passphrase: string | undefined): Promise<openpgp.PrivateKey> {
  const key = await openpgp.readPrivateKey({ armoredKey });
  if (key.isDecrypted()) return key;
  if (!passphrase) throw new Error(`the signing key is protected by a passphrase: set ${SIGNING_KEY_PASSPHRASE_ENV}`);
  return openpgp.decryptKey({ privateKey: key, passphrase });
}

/**
 * What to tell about a key the Terraform Registry would refuse or that is weaker than recommended; Terraform
 * itself checks any key a registry serves, but the public registry takes RSA or DSA keys only.
 */
export function signingKeyWarning(key: openpgp.PrivateKey): string | undefined {
  const { algorithm, bits } = key.getAlgorithmInfo();
  if (!algorithm.startsWith('rsa') && algorithm !== 'dsa')
    return `the signing key is ${algorithm}: the Terraform Registry accepts RSA or DSA keys only (RSA-4096 recommended)`;
  if (algorithm.startsWith('rsa') && (bits ?? 0) < 4096) return `the signing key is RSA-${bits}: RSA-4096 is recommended for releases`;
  return undefined;
}

/** A binary detached OpenPGP signature of `data`. */
export async function detachedSignature(data: Buffer, key: openpgp.PrivateKey): Promise<Buffer> {
  const signature = await openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: key, detached: true, format: 'binary' });
  return Buffer.from(signature);
}
