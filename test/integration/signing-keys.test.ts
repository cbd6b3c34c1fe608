import { describe, expect, it } from 'vitest';
import { getAdapters } from '#shared/runtime.ts';
import { provisionSigningKey, rotateSigningKey, TokenService } from '#shared/services/token-service.ts';
import type { Cipher, SettingsStore } from '#shared/ports.ts';
import { freshDeployment, tokenHolder, tokenSettings } from '../support/signing-key.ts';

// The token service over a table of its own (DynamoDB Local), so that each test starts from a
// deployment in a known state: no signing key yet, or the keys the test puts there.

/** The deployment's cipher, counting how often a sealed secret is opened (as KMS Decrypt calls would be). */
function countingCipher(): Cipher & { opened: number } {
  const { cipher } = getAdapters();
  const counting = {
    opened: 0,
    seal: (plaintext: Uint8Array, context: Parameters<Cipher['seal']>[1]) => cipher.seal(plaintext, context),
    open: (sealed: string, context: Parameters<Cipher['open']>[1]) => {
      counting.opened++;
      return cipher.open(sealed, context);
    },
  };
  return counting;
}

const key = (keyId: string) => tokenHolder(keyId, 'signing');

describe('a deployment without a signing key that signs yet', () => {
  it('answers service.not_initialised, before any key and while the only key is still pending', async () => {
    const store = await freshDeployment();
    const cipher = countingCipher();
    const tokens = new TokenService(store.settings, cipher, { ...tokenSettings, refreshSeconds: 0 });
    await expect(tokens.jwks()).rejects.toMatchObject({ code: 'service.not_initialised' });
    await expect(tokens.issue(key('AAAAAAAAAAAAAAAA'), 60, new Date())).rejects.toMatchObject({ code: 'service.not_initialised' });

    // A key published to start signing in an hour does not sign now.
    expect(await rotateSigningKey(store.settings, cipher, new Date(), 3600)).toEqual(expect.any(String));
    await expect(tokens.jwks()).rejects.toMatchObject({ code: 'service.not_initialised' });
    await expect(tokens.issue(key('AAAAAAAAAAAAAAAA'), 60, new Date())).rejects.toMatchObject({ code: 'service.not_initialised' });

    // A key active at once signs, and the token verifies.
    const kid = await rotateSigningKey(store.settings, cipher, new Date(), 0);
    expect((await tokens.jwks()).keys.map((published) => published.kid)).toEqual([kid]);
    const { token } = await tokens.issue(key('AAAAAAAAAAAAAAAA'), 60, new Date());
    expect(await tokens.verify(token)).toMatchObject({ keyId: 'AAAAAAAAAAAAAAAA', tenant: 'signing' });
  });
});

describe('a warm token service', () => {
  it('opens the private key of the signing key once, and the next one once when the keys rotate', async () => {
    const store = await freshDeployment();
    const cipher = countingCipher();
    await provisionSigningKey(store.settings, cipher, new Date());
    const tokens = new TokenService(store.settings, cipher, { ...tokenSettings, refreshSeconds: 0 });
    const before = cipher.opened;
    for (let i = 0; i < 3; i++) await tokens.issue(key('BBBBBBBBBBBBBBBB'), 60, new Date());
    expect(cipher.opened - before).toBe(1);

    const next = await rotateSigningKey(store.settings, cipher, new Date(), 0);
    const { token } = await tokens.issue(key('BBBBBBBBBBBBBBBB'), 60, new Date());
    await tokens.issue(key('BBBBBBBBBBBBBBBB'), 60, new Date());
    expect(cipher.opened - before).toBe(2);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')).kid).toBe(next);
  });
});

describe('two rotations at the same moment', () => {
  it('leave one new key: the one that wrote second is told it lost, and changes nothing', async () => {
    const store = await freshDeployment();
    const { cipher } = getAdapters();
    await provisionSigningKey(store.settings, cipher, new Date());
    let winner: string | undefined;
    // Another function's rotation lands between this one's read and its write.
    const racing: SettingsStore = {
      get: async (name) => {
        const read = await store.settings.get(name);
        winner = await rotateSigningKey(store.settings, cipher, new Date(), 0);
        return read as never;
      },
      put: (name, value, expectedVersion) => store.settings.put(name, value, expectedVersion),
    };
    expect(await rotateSigningKey(racing, cipher, new Date(), 0)).toBeUndefined();
    expect(winner).toEqual(expect.any(String));
    const stored = await store.settings.get<{ keys: { kid: string }[] }>('signing-keys');
    expect(stored?.value.keys[0]?.kid).toBe(winner);
    expect(stored?.value.keys).toHaveLength(2);
  });
});
