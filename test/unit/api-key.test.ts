import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import {
  CHECKSUM_LENGTH,
  formatApiKey,
  generateKeyId,
  generateSecret,
  keyIdFromSearch,
  parseApiKey,
  previewOf,
  previewTail,
  randomBase62,
  SECRET_LENGTH,
} from '#shared/domain/api-key.ts';

const sample = () => formatApiKey('kw', { keyId: generateKeyId(), secret: generateSecret() });

describe('API key format', () => {
  it('is one double-clickable word: prefix, key id, secret, checksum', () => {
    const keyId = generateKeyId();
    const secret = generateSecret();
    const key = formatApiKey('kw', { keyId, secret });
    expect(key).toMatch(/^kw_[A-Za-z0-9]+$/);
    expect(key.startsWith(`kw_${keyId}${secret}`)).toBe(true);
    expect(key).toHaveLength(3 + 16 + SECRET_LENGTH + CHECKSUM_LENGTH);
  });

  it('carries at least 160 bits of secret entropy', () => {
    expect(SECRET_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(160);
  });

  it('parses back into its parts', () => {
    const keyId = generateKeyId();
    const secret = generateSecret();
    expect(parseApiKey('kw', formatApiKey('kw', { keyId, secret }))).toEqual({ keyId, secret });
  });

  it('rejects every single-character typo through the CRC32 checksum', () => {
    const key = sample();
    for (let i = 3; i < key.length; i++) {
      const typo = key.slice(0, i) + (key[i] === 'A' ? 'B' : 'A') + key.slice(i + 1);
      expect(parseApiKey('kw', typo), `typo at ${i}`).toBeUndefined();
    }
  });

  it('rejects a wrong prefix, length or alphabet', () => {
    const key = sample();
    expect(parseApiKey('kw', key.replace(/^kw_/, 'xx_'))).toBeUndefined();
    expect(parseApiKey('zz', key)).toBeUndefined();
    expect(parseApiKey('kw', key.slice(0, -1))).toBeUndefined();
    expect(parseApiKey('kw', `${key}A`)).toBeUndefined();
    expect(parseApiKey('kw', key.replace(/.$/, '-'))).toBeUndefined();
    expect(parseApiKey('kw', '')).toBeUndefined();
  });

  it('encodes the checksum as the CRC32 of everything before it', () => {
    const key = sample();
    const digits = key.slice(-CHECKSUM_LENGTH);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    const value = [...digits].reduce((n, c) => n * 62 + alphabet.indexOf(c), 0);
    expect(value).toBe(crc32(key.slice(0, -CHECKSUM_LENGTH)));
  });

  it('previews the prefix, the key id and at most the last four characters, none of them secret', () => {
    const keyId = generateKeyId();
    const secret = generateSecret();
    const key = formatApiKey('kw', { keyId, secret });
    const preview = previewOf('kw', keyId, previewTail(key));
    expect(preview).toBe(`kw_${keyId}…${key.slice(-4)}`);
    expect(key.slice(-4)).toBe(key.slice(-CHECKSUM_LENGTH).slice(-4));
  });

  it('draws base62 characters without bias', () => {
    // Chi-square over 62,000 characters, 61 degrees of freedom. Uniform: mean 61, and the
    // statistic exceeds 150 with probability 1.9e-9. `% 62` over all 256 byte values gives
    // 8 characters 5/256 and 54 characters 4/256: noncentrality 409, mean about 470, and
    // the chance of staying under 150 is about 3e-23.
    const n = 62 * 1000;
    const counts = new Map<string, number>();
    for (const c of randomBase62(n)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = n / 62;
    let chiSquare = 0;
    for (const count of counts.values()) chiSquare += (count - expected) ** 2 / expected;
    expect(chiSquare).toBeLessThan(150);
  });
});

describe('search terms that name a key', () => {
  it('finds the key id in a full key, a preview, or a bare id', () => {
    const keyId = generateKeyId();
    const key = formatApiKey('kw', { keyId, secret: generateSecret() });
    expect(keyIdFromSearch('kw', key)).toBe(keyId);
    expect(keyIdFromSearch('kw', `kw_${keyId}…${key.slice(-4)}`)).toBe(keyId);
    expect(keyIdFromSearch('kw', `kw_${keyId}...${key.slice(-4)}`)).toBe(keyId);
    expect(keyIdFromSearch('kw', keyId)).toBe(keyId);
  });

  it('leaves names alone', () => {
    expect(keyIdFromSearch('kw', 'billing')).toBeUndefined();
    expect(keyIdFromSearch('kw', 'kw_short')).toBeUndefined();
  });
});
