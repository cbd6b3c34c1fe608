import { describe, expect, it } from 'vitest';
import { formatApiKey, generateKeyId, generateSecret, parseApiKey, previewOf, previewTail } from '#shared/domain/api-key.ts';

// The checksum is computed over whatever comes before it, so a value can carry a right
// checksum and still not be a key of this deployment: these are refused on their shape.
describe('a value with a right checksum that is still no key', () => {
  it('is refused when its key id or secret is too short or too long', () => {
    const keyId = generateKeyId();
    const secret = generateSecret();
    expect(parseApiKey('kw', formatApiKey('kw', { keyId, secret: secret.slice(1) }))).toBeUndefined();
    expect(parseApiKey('kw', formatApiKey('kw', { keyId, secret: `${secret}x` }))).toBeUndefined();
    expect(parseApiKey('kw', formatApiKey('kw', { keyId: keyId.slice(1), secret }))).toBeUndefined();
  });

  it('is refused when it holds a character outside base62, wherever it is', () => {
    const keyId = generateKeyId();
    const secret = generateSecret();
    expect(parseApiKey('kw', formatApiKey('kw', { keyId: `-${keyId.slice(1)}`, secret }))).toBeUndefined();
    expect(parseApiKey('kw', formatApiKey('kw', { keyId: `${keyId.slice(0, 8)}_${keyId.slice(9)}`, secret }))).toBeUndefined();
    expect(parseApiKey('kw', formatApiKey('kw', { keyId, secret: `${secret.slice(0, -1)}é` }))).toBeUndefined();
  });

  it('still parses the same key when nothing is wrong with it', () => {
    const keyId = generateKeyId();
    const secret = generateSecret();
    expect(parseApiKey('kw', formatApiKey('kw', { keyId, secret }))).toEqual({ keyId, secret });
  });
});

describe('a key preview', () => {
  it('shows only the last four characters of whatever tail it is given, never more of the key', () => {
    const keyId = generateKeyId();
    const key = formatApiKey('kw', { keyId, secret: generateSecret() });
    expect(previewOf('kw', keyId, key)).toBe(`kw_${keyId}…${key.slice(-4)}`);
    expect(previewOf('kw', keyId, previewTail(key))).toBe(previewOf('kw', keyId, key));
  });
});
