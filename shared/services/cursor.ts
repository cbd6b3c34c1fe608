import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeywardError } from '../errors.ts';
import type { PageKey } from '../ports.ts';

const IV_BYTES = 12;
const TAG_BYTES = 16;

const invalidCursor = () =>
  new KeywardError(
    'request.invalid_cursor',
    'The cursor is not one this listing returned: pass nextCursor from the previous page unchanged, or omit it to start over.',
  );

/**
 * Opaque page cursors: the store's resume key encrypted with AES-256-GCM, with the listing
 * it belongs to (tenant, kind, filters) as authenticated data. A caller learns nothing of the
 * table's layout from a cursor, and a tampered cursor, or one from another tenant or
 * listing, fails to open.
 */
export class CursorSealer {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    this.key = key;
  }

  seal(listing: string, pageKey: PageKey | undefined): string | null {
    if (!pageKey) return null;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(listing));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(pageKey), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  open(listing: string, cursor: string | undefined): PageKey | undefined {
    if (cursor === undefined) return undefined;
    const bytes = Buffer.from(cursor, 'base64url');
    if (!/^[A-Za-z0-9_-]+$/.test(cursor) || bytes.length <= IV_BYTES + TAG_BYTES) throw invalidCursor();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES)).setAAD(Buffer.from(listing));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as PageKey;
    } catch {
      throw invalidCursor();
    }
  }
}
