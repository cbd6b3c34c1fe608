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
    const sealed = Buffer.concat([cipher.update(JSON.stringify(pageKey)), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  open(listing: string, cursor: string | undefined): PageKey | undefined {
    if (cursor === undefined) return undefined;
    // Base64url decoding skips characters outside its alphabet: without this check, one cursor
    // would have many spellings.
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
    const bytes = Buffer.from(cursor, 'base64url');
    try {
      // A cursor too short to hold an IV and a whole tag fails here: the tag length is fixed.
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(listing));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as PageKey;
    } catch {
      throw invalidCursor();
    }
  }
}
