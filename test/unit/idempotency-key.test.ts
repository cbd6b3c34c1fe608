import { describe, expect, it } from 'vitest';
import type { KeywardError } from '#shared/errors.ts';
import { idempotencyKeyOf } from '#shared/services/idempotency.ts';

const refusal = (key: string) => {
  try {
    idempotencyKeyOf({ 'idempotency-key': key });
  } catch (error) {
    return error as KeywardError;
  }
  throw new Error(`accepted ${JSON.stringify(key)}`);
};

describe('the Idempotency-Key header', () => {
  it('is optional, and taken as sent when it is 1 to 255 visible ASCII characters', () => {
    expect(idempotencyKeyOf({})).toBeUndefined();
    expect(idempotencyKeyOf({ 'idempotency-key': '9b2f6c1e-8a4d-4f3b-9c7e-2d1a0b5e6f70' })).toBe('9b2f6c1e-8a4d-4f3b-9c7e-2d1a0b5e6f70');
    expect(idempotencyKeyOf({ 'idempotency-key': '!' })).toBe('!');
    expect(idempotencyKeyOf({ 'idempotency-key': '~'.repeat(255) })).toBe('~'.repeat(255));
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'a'.repeat(256)],
    ['a space inside', 'order 42'],
    ['a character outside ASCII first', 'éorder-42'],
    ['a character outside ASCII last', 'order-42é'],
    ['a control character last', 'order-42\n'],
  ])('is refused when %s, saying what it must be', (_, key) => {
    const error = refusal(key);
    expect(error.code).toBe('request.invalid');
    expect(error.message).toBe('The Idempotency-Key header must be 1-255 visible ASCII characters, such as a UUID.');
  });
});
