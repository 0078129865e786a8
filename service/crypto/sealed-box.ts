/**
 * AES-256-GCM for secret-store entries. The associated data binds a ciphertext to its secret and version,
 * so rows swapped inside the database fail to decrypt instead of revealing another secret's entries.
 * Layout (base64): version byte 1 | 12-byte nonce | 16-byte tag | ciphertext.
 * @module
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT = 1;

export class SealedBox {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'keyplane secret-store v1', 32));
  }

  seal(plaintext: string, associatedData: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT]), nonce, cipher.getAuthTag(), body]).toString('base64');
  }

  open(sealed: string, associatedData: string): string {
    const raw = Buffer.from(sealed, 'base64');
    if (raw[0] !== FORMAT) throw new Error('unknown sealed-box format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(1, 13));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(raw.subarray(13, 29));
    return Buffer.concat([decipher.update(raw.subarray(29)), decipher.final()]).toString('utf8');
  }
}
