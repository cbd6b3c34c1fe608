import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { TokenService } from '#shared/services/token-service.ts';
import { logger } from '#shared/observability.ts';
import type { Cipher, SettingsStore } from '#shared/ports.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = (kid: string) => ({
  kid,
  createdAt: '',
  activatesAt: '2000-01-01T00:00:00Z',
  publicJwk: { ...publicKey.export({ format: 'jwk' }), kid },
  sealedPrivateKey: '',
});

/** A settings store whose answers the test sets: the signing keys, or an outage. */
function store() {
  const state = { reads: 0, keys: [signingKey('first')], down: false };
  const settings = {
    get: async () => {
      state.reads++;
      if (state.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });
      return { version: 1, value: { keys: state.keys } };
    },
  } as unknown as SettingsStore;
  return { state, tokens: new TokenService(settings, {} as Cipher, { issuer: 'https://i', audience: 'a', refreshSeconds: 300 }) };
}

const kids = async (tokens: TokenService) => (await tokens.jwks()).keys.map((key) => key.kid);

describe('the JWKS while the store is down', () => {
  it('keeps serving the keys last read, logs the failed refresh, asks the store again after 30 s, and picks up what changed once it is back', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const { state, tokens } = store();
    expect(await kids(tokens)).toEqual(['first']);
    state.down = true;
    vi.setSystemTime(Date.now() + 301_000);
    expect(await kids(tokens)).toEqual(['first']);
    expect(state.reads).toBe(2);
    expect(warn).toHaveBeenCalledWith(
      'signing keys refresh failed; serving the keys last read',
      expect.objectContaining({ cause: 'Error' }),
    );
    // Not a store read per request while it is down.
    for (let i = 0; i < 10; i++) expect(await kids(tokens)).toEqual(['first']);
    expect(state.reads).toBe(2);
    vi.setSystemTime(Date.now() + 31_000);
    expect(await kids(tokens)).toEqual(['first']);
    expect(state.reads).toBe(3);
    state.down = false;
    state.keys = [signingKey('second'), signingKey('first')];
    vi.setSystemTime(Date.now() + 31_000);
    expect(await kids(tokens)).toEqual(['second', 'first']);
  });

  it('fails when it never read the keys (a cold start), and for a token naming a key it does not know', async () => {
    const { state, tokens } = store();
    state.down = true;
    await expect(tokens.jwks()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    state.down = false;
    await tokens.jwks();
    state.down = true;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    const unknownKid = await new SignJWT({ tenant: 't' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'rotated' })
      .setSubject('s')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    // Not "invalid token": the key may well exist; the store could not say (503 at the boundary).
    await expect(tokens.verify(unknownKid)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
