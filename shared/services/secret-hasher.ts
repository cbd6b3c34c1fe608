import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { KeywardError } from '../errors.ts';
import type { Cipher, KeyRecord, SealContext, SettingsStore } from '../ports.ts';
import { WriteConflict } from '../ports.ts';

const PEPPER_SETTING = 'pepper';
const pepperContext: SealContext = { tenant: '*', keyId: '*', purpose: 'pepper' };

/**
 * Keyed hashing of key secrets. HMAC-SHA-256 is right for secrets of 190 random bits
 * (NIST SP 800-63B 5.1.2.2): a slow hash would only add latency, and without the pepper,
 * which lives only sealed by the cipher, a dump of the table cannot be checked offline.
 */
export class SecretHasher {
  /** A key object, prepared once: HMAC with raw bytes prepares a key on every call (about 3× the cost). */
  private readonly pepper: KeyObject;

  constructor(pepper: Buffer) {
    this.pepper = createSecretKey(pepper);
  }

  hash(keyId: string, secret: string): string {
    return createHmac('sha256', this.pepper).update(`${keyId}:${secret}`).digest('base64url');
  }

  /** Constant-time comparison against a stored hash. */
  matches(keyId: string, secret: string, storedHash: string): boolean {
    const expected = Buffer.from(storedHash, 'base64url');
    const actual = createHmac('sha256', this.pepper).update(`${keyId}:${secret}`).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  /**
   * Which of a key's secrets `secret` is: its current one, or the one a regenerate replaced
   * while its grace period lasts; undefined for neither.
   */
  secretOf(key: Pick<KeyRecord, 'keyId' | 'secretHash' | 'previousSecretHash' | 'previousSecretValidUntil'>, secret: string, now: Date) {
    if (this.matches(key.keyId, secret, key.secretHash)) return 'current' as const;
    const inGrace =
      key.previousSecretHash !== undefined &&
      key.previousSecretValidUntil !== undefined &&
      Date.parse(key.previousSecretValidUntil) > now.getTime() &&
      this.matches(key.keyId, secret, key.previousSecretHash);
    return inGrace ? ('previous' as const) : undefined;
  }

  /** A key for another purpose (such as signing list cursors), derived so the pepper itself is never reused. */
  deriveKey(purpose: string): Buffer {
    return createHmac('sha256', this.pepper).update(`derive:${purpose}`).digest();
  }
}

/** Opens the sealed pepper (one cipher call per cold start). */
export async function loadSecretHasher(store: SettingsStore, cipher: Cipher): Promise<SecretHasher> {
  const setting = await store.get<string>(PEPPER_SETTING);
  if (!setting) {
    throw new KeywardError('service.not_initialised', 'Keyward is not initialised yet: bootstrap a tenant first.');
  }
  return new SecretHasher(Buffer.from(await cipher.open(setting.value, pepperContext)));
}

/** Creates and seals the pepper once per deployment; a racing second caller keeps the first one's. */
export async function provisionPepper(store: SettingsStore, cipher: Cipher): Promise<void> {
  if (await store.get(PEPPER_SETTING)) return;
  const sealed = await cipher.seal(randomBytes(32), pepperContext);
  try {
    await store.put(PEPPER_SETTING, sealed, 0);
  } catch (error) {
    if (!(error instanceof WriteConflict)) throw error;
  }
}
