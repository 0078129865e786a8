import * as openpgp from 'openpgp';
import { detachedSignature, readSigningKey, signingKeyWarning } from './signing';

const USER = [{ name: 'Keyplane test release', email: 'release@example.com' }];

async function verify(data: Buffer, signature: Buffer, publicKey: string): Promise<boolean> {
  const { signatures } = await openpgp.verify({
    message: await openpgp.createMessage({ binary: data }),
    signature: await openpgp.readSignature({ binarySignature: signature }),
    verificationKeys: await openpgp.readKey({ armoredKey: publicKey }),
  });
  return signatures[0]!.verified.then(
    () => true,
    () => false,
  );
}

describe('release signing', () => {
  let rsa: { publicKey: string; privateKey: string };
  beforeAll(async () => {
    rsa = await openpgp.generateKey({ type: 'rsa', rsaBits: 4096, userIDs: USER, format: 'armored' });
  });

  test('a binary detached signature that verifies against the public key, and not over other bytes', async () => {
    const sums = Buffer.from('0123abcd  terraform-provider-keyplane_0.1.0_linux_amd64.zip\n');
    const signature = await detachedSignature(sums, await readSigningKey(rsa.privateKey, undefined));
    expect(signature.subarray(0, 5).toString('latin1')).not.toBe('-----');
    // A signature packet, old or new format (tag 2).
    expect(signature[0]! & 0x80).toBe(0x80);
    expect(await verify(sums, signature, rsa.publicKey)).toBe(true);
    expect(await verify(Buffer.from(`${sums}x`), signature, rsa.publicKey)).toBe(false);
  });

  test('a protected key needs its passphrase, and opens with it', async () => {
    const { privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: USER, passphrase: 'correct horse', format: 'armored' });
    await expect(readSigningKey(privateKey, undefined)).rejects.toThrow(/KEYPLANE_RELEASE_SIGNING_KEY_PASSPHRASE/);
    await expect(readSigningKey(privateKey, 'wrong')).rejects.toThrow();
    expect((await readSigningKey(privateKey, 'correct horse')).isDecrypted()).toBe(true);
  });

  test('warns about keys the Terraform Registry refuses or that are weaker than RSA-4096', async () => {
    const ecc = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: USER, format: 'armored' });
    expect(signingKeyWarning(await readSigningKey(ecc.privateKey, undefined))).toMatch(/accepts RSA or DSA keys only/);
    const small = await openpgp.generateKey({ type: 'rsa', rsaBits: 2048, userIDs: USER, format: 'armored' });
    expect(signingKeyWarning(await readSigningKey(small.privateKey, undefined))).toMatch(/RSA-2048: RSA-4096 is recommended/);
    expect(signingKeyWarning(await readSigningKey(rsa.privateKey, undefined))).toBeUndefined();
  });
});
