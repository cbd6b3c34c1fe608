import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Cipher, SealContext } from '../ports.ts';
import { readOrCreateSecretFile } from './local-secret-file.ts';

const VERSION = 'lk1';

/** The context as additional authenticated data, in a fixed field order. */
const aad = (context: SealContext) => Buffer.from(JSON.stringify([context.tenant, context.keyId, context.purpose]));

/**
 * Reads the 32-byte keyring key, creating it (mode 0600) on first use. Stands in for KMS
 * on one machine: whoever can read this file can open every sealed blob, as with a KMS key.
 */
export function loadKeyringKey(file: string): Buffer {
  const key = Buffer.from(
    readOrCreateSecretFile(file, () => randomBytes(32).toString('base64')),
    'base64',
  );
  if (key.length !== 32)
    throw new Error(`The keyring file ${file} does not hold a 32-byte key; restore it or remove it with the data it protects.`);
  return key;
}

/** AES-256-GCM with the seal context bound as AAD, so a blob opens only for the tenant, key and purpose it was sealed for. */
export class LocalKeyringCipher implements Cipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    this.key = key;
  }

  async seal(plaintext: Uint8Array, context: SealContext): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(aad(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  async open(sealed: string, context: SealContext): Promise<Uint8Array> {
    const [version, iv, body, tag] = sealed.split('.');
    if (version !== VERSION || !iv || !body || !tag) throw new Error('Not a blob sealed by the local keyring');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'))
      .setAAD(aad(context))
      .setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  }
}
