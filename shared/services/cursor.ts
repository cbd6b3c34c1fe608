import { createHmac, timingSafeEqual } from 'node:crypto';
import { KeywardError } from '../errors.ts';
import type { PageKey } from '../ports.ts';

const invalidCursor = () =>
  new KeywardError('request.invalid_cursor', 'The cursor is not one this listing returned: pass nextCursor from the previous page unchanged, or omit it to start over.');

/**
 * Opaque page cursors: the store's resume key, signed together with the listing it belongs
 * to (tenant and kind), so a tampered cursor or one from another tenant or listing is refused.
 */
export class CursorSealer {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    this.key = key;
  }

  private sign(listing: string, payload: string): Buffer {
    return createHmac('sha256', this.key).update(`${listing}\n${payload}`).digest();
  }

  seal(listing: string, pageKey: PageKey | undefined): string | null {
    if (!pageKey) return null;
    const payload = Buffer.from(JSON.stringify(pageKey)).toString('base64url');
    return `${payload}.${this.sign(listing, payload).toString('base64url')}`;
  }

  open(listing: string, cursor: string | undefined): PageKey | undefined {
    if (cursor === undefined) return undefined;
    const [payload, signature, extra] = cursor.split('.');
    if (!payload || !signature || extra !== undefined) throw invalidCursor();
    const given = Buffer.from(signature, 'base64url');
    const expected = this.sign(listing, payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as PageKey;
    } catch {
      throw invalidCursor();
    }
  }
}
