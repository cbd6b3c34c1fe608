import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { Cipher, SealContext } from '../ports.ts';

const encryptionContext = (context: SealContext) => ({ tenant: context.tenant, keyId: context.keyId, purpose: context.purpose });

/**
 * Seals with a customer-managed KMS key. The encryption context is logged by CloudTrail
 * and can be pinned in IAM conditions; a blob moved to another key or purpose fails to open.
 */
export class KmsCipher implements Cipher {
  private readonly kms: KMSClient;
  private readonly keyId: string;

  constructor(kms: KMSClient, keyId: string) {
    this.kms = kms;
    this.keyId = keyId;
  }

  async seal(plaintext: Uint8Array, context: SealContext): Promise<string> {
    const { CiphertextBlob } = await this.kms.send(
      new EncryptCommand({ KeyId: this.keyId, Plaintext: plaintext, EncryptionContext: encryptionContext(context) }),
    );
    if (!CiphertextBlob) throw new Error('KMS returned no ciphertext');
    return Buffer.from(CiphertextBlob).toString('base64');
  }

  async open(sealed: string, context: SealContext): Promise<Uint8Array> {
    const { Plaintext } = await this.kms.send(
      new DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: Buffer.from(sealed, 'base64'),
        EncryptionContext: encryptionContext(context),
      }),
    );
    if (!Plaintext) throw new Error('KMS returned no plaintext');
    return Plaintext;
  }
}
