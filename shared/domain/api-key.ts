import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const KEY_ID_LENGTH = 16;
/** 32 base62 characters carry 190 bits of entropy, above the 160 a key secret must have. */
export const SECRET_LENGTH = 32;
/** Six base62 digits hold any CRC32 value (62^6 > 2^32). */
export const CHECKSUM_LENGTH = 6;
const PREVIEW_TAIL = 4;

/** A deployment's key prefix: 1-10 lowercase letters or digits, starting with a letter. */
export const keyPrefixPattern = /^[a-z][a-z0-9]{0,9}$/;

export const keyIdPattern = new RegExp(`^[0-9A-Za-z]{${KEY_ID_LENGTH}}$`);
export const secretPattern = new RegExp(`^[0-9A-Za-z]{${SECRET_LENGTH}}$`);

/** Uniformly random base62 text: bytes at or above 248 are rejected so that `% 62` has no bias. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

function checksumOf(text: string): string {
  let value = crc32(text);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export interface ApiKeyParts {
  keyId: string;
  secret: string;
}

export const generateKeyId = () => randomBase62(KEY_ID_LENGTH);
export const generateSecret = () => randomBase62(SECRET_LENGTH);

/** The full key as shown to its holder: `<prefix>_<keyId><secret><checksum>`, one double-clickable word. */
export function formatApiKey(prefix: string, { keyId, secret }: ApiKeyParts): string {
  const body = `${prefix}_${keyId}${secret}`;
  return body + checksumOf(body);
}

/**
 * Splits a full key into its parts, or returns undefined for anything that is not a
 * well-formed key of this deployment (wrong prefix, length, alphabet or checksum), so
 * invented and mistyped keys are refused without a database read.
 */
export function parseApiKey(prefix: string, value: string): ApiKeyParts | undefined {
  const expectedLength = prefix.length + 1 + KEY_ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;
  if (value.length !== expectedLength || !value.startsWith(`${prefix}_`)) return undefined;
  const body = value.slice(0, -CHECKSUM_LENGTH);
  if (!/^[0-9A-Za-z]+$/.test(value.slice(prefix.length + 1))) return undefined;
  if (checksumOf(body) !== value.slice(-CHECKSUM_LENGTH)) return undefined;
  const start = prefix.length + 1;
  return {
    keyId: value.slice(start, start + KEY_ID_LENGTH),
    secret: value.slice(start + KEY_ID_LENGTH, start + KEY_ID_LENGTH + SECRET_LENGTH),
  };
}

/** A display form that identifies the key without revealing any of its secret: the tail is checksum. */
export function previewOf(prefix: string, keyId: string, apiKeyTail: string): string {
  return `${prefix}_${keyId}…${apiKeyTail.slice(-PREVIEW_TAIL)}`;
}

export const previewTail = (apiKey: string) => apiKey.slice(-PREVIEW_TAIL);

/**
 * The key id named by a search term, if the term is a full key, a preview (with `…` or
 * `...`), or a bare key id; undefined when the term can only be a name.
 */
export function keyIdFromSearch(prefix: string, term: string): string | undefined {
  const full = parseApiKey(prefix, term);
  if (full) return full.keyId;
  const preview = new RegExp(`^${prefix}_([0-9A-Za-z]{${KEY_ID_LENGTH}})(?:…|\\.\\.\\.)?[0-9A-Za-z]{0,${PREVIEW_TAIL}}$`).exec(term);
  if (preview?.[1]) return preview[1];
  return keyIdPattern.test(term) ? term : undefined;
}

/**
 * The regular expression a secret scanner (a GitHub custom pattern with push protection,
 * Hyperscan syntax) finds this deployment's keys with, and what must follow a key: a key is
 * one word of base62 after `<prefix>_`, so anything longer is not one.
 */
export function scannerPattern(prefix: string): { pattern: string; afterSecret: string } {
  return {
    pattern: `${prefix}_[0-9A-Za-z]{${KEY_ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH}}`,
    afterSecret: '[^0-9A-Za-z_]|\\z',
  };
}
