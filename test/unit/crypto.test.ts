import { describe, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { LocalKeyringCipher, loadKeyringKey } from '#shared/adapters/local-keyring-cipher.ts';
import { KmsCipher } from '#shared/adapters/kms-cipher.ts';
import { SecretHasher } from '#shared/services/secret-hasher.ts';
import { CursorSealer } from '#shared/services/cursor.ts';
import type { KeywardError } from '#shared/errors.ts';
import { loadConfig } from '#shared/config.ts';

const context = { tenant: 'acme', keyId: 'Ab3dE5gH7jK9mN1p', purpose: 'recoverable-key' } as const;

describe('local keyring cipher', () => {
  it('creates its key file with mode 0600 and reuses it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keyring-')), 'nested', 'keyring.key');
    const key = loadKeyringKey(file);
    expect(key).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadKeyringKey(file).equals(key)).toBe(true);
  });

  it('opens what it sealed only with the same context', async () => {
    const cipher = new LocalKeyringCipher(loadKeyringKey(join(mkdtempSync(join(tmpdir(), 'keyring-')), 'k')));
    const sealed = await cipher.seal(Buffer.from('kw_secret'), context);
    expect(sealed).not.toContain('kw_secret');
    expect(Buffer.from(await cipher.open(sealed, context)).toString()).toBe('kw_secret');
    await expect(cipher.open(sealed, { ...context, tenant: 'other' })).rejects.toThrow();
    await expect(cipher.open(sealed, { ...context, purpose: 'pepper' })).rejects.toThrow();
  });
});

describe('KMS cipher', () => {
  it('encrypts and decrypts with the tenant, key id and purpose as encryption context', async () => {
    const kms = mockClient(KMSClient);
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('blob') });
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('plain') });
    const cipher = new KmsCipher(new KMSClient({ region: 'eu-west-1' }), 'alias/keyward');
    const sealed = await cipher.seal(Buffer.from('plain'), context);
    expect(Buffer.from(await cipher.open(sealed, context)).toString()).toBe('plain');
    const expectedContext = { tenant: 'acme', keyId: 'Ab3dE5gH7jK9mN1p', purpose: 'recoverable-key' };
    expect(kms.commandCalls(EncryptCommand)[0]!.args[0].input).toMatchObject({
      KeyId: 'alias/keyward',
      EncryptionContext: expectedContext,
    });
    expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input).toMatchObject({ EncryptionContext: expectedContext });
    kms.restore();
  });
});

describe('secret hashing', () => {
  const hasher = new SecretHasher(Buffer.alloc(32, 7));
  it('matches only the right secret for the right key id', () => {
    const hash = hasher.hash('Ab3dE5gH7jK9mN1p', 'secret');
    expect(hasher.matches('Ab3dE5gH7jK9mN1p', 'secret', hash)).toBe(true);
    expect(hasher.matches('Ab3dE5gH7jK9mN1p', 'secreT', hash)).toBe(false);
    expect(hasher.matches('Xb3dE5gH7jK9mN1p', 'secret', hash)).toBe(false);
    expect(hasher.matches('Ab3dE5gH7jK9mN1p', 'secret', 'short')).toBe(false);
  });

  it('depends on the pepper', () => {
    expect(new SecretHasher(Buffer.alloc(32, 8)).hash('a', 'b')).not.toBe(hasher.hash('a', 'b'));
  });
});

describe('list cursors', () => {
  const cursors = new CursorSealer(Buffer.alloc(32, 1));
  const code = (fn: () => unknown) => {
    try {
      fn();
      return 'accepted';
    } catch (error) {
      return (error as KeywardError).code;
    }
  };

  it('round-trips the page key of its own listing', () => {
    const sealed = cursors.seal('keys:acme', { pk: 'KEY#1', sk: 'KEY' })!;
    expect(cursors.open('keys:acme', sealed)).toEqual({ pk: 'KEY#1', sk: 'KEY' });
    expect(cursors.seal('keys:acme', undefined)).toBeNull();
  });

  it('refuses tampered, foreign and garbage cursors', () => {
    const sealed = cursors.seal('keys:acme', { pk: 'KEY#1', sk: 'KEY' })!;
    const forged = `${Buffer.from(JSON.stringify({ pk: 'KEY#2', sk: 'KEY' })).toString('base64url')}.${sealed.split('.')[1]}`;
    expect(code(() => cursors.open('keys:acme', forged))).toBe('request.invalid_cursor');
    expect(code(() => cursors.open('keys:other', sealed))).toBe('request.invalid_cursor');
    expect(code(() => cursors.open('keys:acme', 'garbage'))).toBe('request.invalid_cursor');
    expect(code(() => cursors.open('keys:acme', `${sealed}.x`))).toBe('request.invalid_cursor');
  });

  it('refuses another spelling of a cursor it sealed: padding, or a character outside base64url', () => {
    const sealed = cursors.seal('keys:acme', { pk: 'KEY#1', sk: 'KEY' })!;
    expect(Buffer.from(`${sealed.slice(0, 4)}.${sealed.slice(4)}`, 'base64url')).toEqual(Buffer.from(sealed, 'base64url'));
    expect(code(() => cursors.open('keys:acme', `${sealed.slice(0, 4)}.${sealed.slice(4)}`))).toBe('request.invalid_cursor');
    expect(code(() => cursors.open('keys:acme', `${sealed}=`))).toBe('request.invalid_cursor');
  });

  it('refuses a cursor too short to hold an IV and a tag', () => {
    const sealed = cursors.seal('keys:acme', { pk: 'KEY#1', sk: 'KEY' })!;
    for (const bytes of [0, 4, 12, 16, 28]) {
      const short = Buffer.from(sealed, 'base64url').subarray(0, bytes).toString('base64url') || 'A';
      expect(code(() => cursors.open('keys:acme', short))).toBe('request.invalid_cursor');
    }
  });
});

describe('configuration', () => {
  it('has defaults for a local run', () => {
    expect(loadConfig({})).toMatchObject({
      keyPrefix: 'kw',
      audience: 'keyward',
      cipher: 'local',
      retentionDays: 30,
      auditRetentionDays: 90,
      port: 3000,
    });
  });

  it('fails fast naming each wrong variable', () => {
    expect(() => loadConfig({ KEYWARD_KEY_PREFIX: 'Bad_Prefix', KEYWARD_RETENTION_DAYS: '-1' })).toThrow(
      /KEYWARD_KEY_PREFIX[\s\S]*KEYWARD_RETENTION_DAYS/,
    );
    expect(() => loadConfig({ KEYWARD_CIPHER: 'kms' })).toThrow(/KEYWARD_KMS_KEY_ID/);
  });
});
