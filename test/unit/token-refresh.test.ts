import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { TokenService } from '#shared/services/token-service.ts';
import type { Cipher, KeyStore } from '#shared/ports.ts';

describe('token verification', () => {
  it('re-reads signing keys for an unknown kid at most once per interval, whatever forged tokens arrive', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    let reads = 0;
    const store = {
      getSetting: async () => {
        reads++;
        return { version: 1, value: { keys: [{ kid: 'known', createdAt: '', activatesAt: '2000-01-01T00:00:00Z', publicJwk: { ...jwk, kid: 'known' }, sealedPrivateKey: '' }] } };
      },
    } as unknown as KeyStore;
    const tokens = new TokenService(store, {} as Cipher, { issuer: 'https://i', audience: 'a', refreshSeconds: 300 });
    const forged = await new SignJWT({ tenant: 't' }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'unknown' }).setSubject('s').setExpirationTime('5m').sign(privateKey);
    for (let i = 0; i < 20; i++) await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'auth.invalid_token' });
    expect(reads).toBe(1);
  });
});
