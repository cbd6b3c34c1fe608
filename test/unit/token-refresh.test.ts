import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { TokenService } from '#shared/services/token-service.ts';
import type { Cipher, SettingsStore } from '#shared/ports.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('token verification', () => {
  it('re-reads signing keys for an unknown kid at most once per 30 s, whatever forged tokens arrive', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    let reads = 0;
    const settings = {
      get: async () => {
        reads++;
        return {
          version: 1,
          value: {
            keys: [
              {
                kid: 'known',
                createdAt: '',
                activatesAt: '2000-01-01T00:00:00Z',
                publicJwk: { ...jwk, kid: 'known' },
                sealedPrivateKey: '',
              },
            ],
          },
        };
      },
    } as unknown as SettingsStore;
    const tokens = new TokenService(settings, {} as Cipher, { issuer: 'https://i', audience: 'a', refreshSeconds: 300 });
    const forged = await new SignJWT({ tenant: 't' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'unknown' })
      .setSubject('s')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const refuseAll = async () => {
      for (let i = 0; i < 20; i++) await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'auth.invalid_token' });
    };

    await refuseAll();
    expect(reads).toBe(1);
    // Past 30 s (but well within the 300 s refresh), an unknown kid may force one more read: a
    // rotation published a moment ago is picked up without waiting for the next refresh.
    vi.setSystemTime(Date.now() + 31_000);
    await refuseAll();
    expect(reads).toBe(2);
    vi.setSystemTime(Date.now() + 10_000);
    await refuseAll();
    expect(reads).toBe(2);
  });
});
