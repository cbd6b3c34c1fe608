import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeJwt, decodeProtectedHeader, SignJWT, type JWTPayload } from 'jose';
import { getAdapters, getServices } from '#shared/runtime.ts';
import { rotateSigningKey, TokenService } from '#shared/services/token-service.ts';
import { WriteConflict, type SettingsStore } from '#shared/ports.ts';
import { call, countRecordedUses, createKey, errorOf, newTenant, tokenFor, withKey, withToken } from '../support/api.ts';
import { ageKey } from '../support/time-travel.ts';
import { freshDeployment, serviceSigningKey, tokenHolder, tokenSettings } from '../support/signing-key.ts';

// Checks of a presented key or token that only an unusual record, a lost race, a moment of
// rotation or a hand-made token reaches: real handlers and services over DynamoDB Local, with
// the store's answers changed in front of the real repository where a test needs a race.

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('credential-checks'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const exchange = (json: Record<string, unknown>) => call('POST', '/v1/authentication', { json });
const keyView = async (keyId: string) => (await call('GET', `/v1/keys/${keyId}`, { headers: withKey(admin) })).body;

describe('a key whose record ends a grace period but holds no old secret', () => {
  it('accepts its current secret and refuses any other with 401', async () => {
    const { key, apiKey } = await createKey(admin);
    const { keySecret: otherSecret } = await createKey(admin);
    await ageKey(key.id, { previousSecretValidUntil: new Date(Date.now() + 3600_000).toISOString() });
    expect((await exchange({ apiKey })).status).toBe(200);
    const refused = await exchange({ keyId: key.id, keySecret: otherSecret });
    expect([refused.status, refused.body.code]).toEqual([401, 'authentication.invalid_api_key']);
  });
});

describe('a use given up after losing every race', () => {
  it('is counted as no outcome in usage analytics', async () => {
    const { key, apiKey } = await createKey(admin, { rateLimit: { limit: 100, windowSeconds: 86_400 } });
    const { store } = getAdapters();
    vi.spyOn(store.keys, 'countUse').mockImplementation(async () => ({ ok: false, current: await store.keys.get(key.id) }));
    const refused = await exchange({ apiKey });
    expect([refused.status, refused.body.code]).toEqual([409, 'key.conflict']);
    vi.restoreAllMocks();
    expect((await exchange({ apiKey })).status).toBe(200);
    await countRecordedUses();
    const usage = await call('GET', `/v1/keys/${key.id}/usage`, { headers: withKey(admin) });
    expect(usage.body.totals).toEqual({ valid: 1, rateLimited: 0, usageExceeded: 0, ipNotAllowed: 0, refused: 0 });
  });
});

describe('a use whose key changed its usage controls while the use was counted', () => {
  // Between the key read and the count write, an admin changes the key: the use is judged
  // again on the key as it is stored now, controls included, not on the counters alone.
  const changedDuringCount = (keyId: string, json: Record<string, unknown>) => {
    const { store } = getAdapters();
    const countUse = store.keys.countUse.bind(store.keys);
    return vi.spyOn(store.keys, 'countUse').mockImplementationOnce(async (id, plan) => {
      expect((await call('PATCH', `/v1/keys/${keyId}`, { headers: withKey(admin), json })).status).toBe(200);
      return countUse(id, plan);
    });
  };

  it('is accepted once its credits were removed', async () => {
    const { key, apiKey } = await createKey(admin, { credits: { remaining: 3 } });
    const counts = changedDuringCount(key.id, { credits: null });
    const verdict = await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { apiKey } });
    expect([verdict.status, verdict.body.valid, verdict.body.credits]).toEqual([200, true, undefined]);
    expect(counts).toHaveBeenCalledTimes(1);
  });

  it('is counted against the rate limit set in its place', async () => {
    const { key, apiKey } = await createKey(admin, { credits: { remaining: 3 } });
    changedDuringCount(key.id, { credits: null, rateLimit: { limit: 5, windowSeconds: 60 } });
    const verdict = await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { apiKey } });
    expect([verdict.status, verdict.body.valid]).toEqual([200, true]);
    expect(await getAdapters().store.keys.get(key.id)).toMatchObject({ rateCount: 1 });
  });
});

describe('lastUsedAt', () => {
  it('is set by the first use, and moved by a use once the last one is older than the interval', async () => {
    const { key, apiKey } = await createKey(admin);
    const beforeFirst = Date.now();
    expect((await exchange({ apiKey })).status).toBe(200);
    expect(Date.parse((await keyView(key.id)).lastUsedAt)).toBeGreaterThanOrEqual(beforeFirst);

    await ageKey(key.id, { lastUsedAt: new Date(Date.now() - 3600_000).toISOString() });
    const beforeSecond = Date.now();
    expect((await exchange({ apiKey })).status).toBe(200);
    expect(Date.parse((await keyView(key.id)).lastUsedAt)).toBeGreaterThanOrEqual(beforeSecond);
  });
});

describe('the first use after a refill is due', () => {
  it('reports the refilled credits less that use', async () => {
    const { key, apiKey } = await createKey(admin, { credits: { remaining: 1, refill: { amount: 5, interval: 'daily' } } });
    await ageKey(key.id, { creditsPeriod: '2020-01-01' });
    const verdict = await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { apiKey } });
    expect(verdict.status).toBe(200);
    expect(verdict.body).toMatchObject({ valid: true, credits: { remaining: 4 } });
  });
});

/** A token signed by the deployment's key: the claims of a genuine token of `apiKey`, changed by `claims`, less those in `drop`. */
async function signed(apiKey: string, claims: JWTPayload, drop: string[] = []) {
  const { kid, privateKey } = await serviceSigningKey();
  const payload: JWTPayload = { ...decodeJwt(await tokenFor(apiKey)), ...claims };
  for (const name of drop) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid }).sign(privateKey);
}

describe('a signed token whose subject or tenant is not a string', () => {
  it('is refused as not a Keyward token', async () => {
    for (const claims of [{ sub: 42 as unknown as string }, { tenant: ['credential-checks'] }]) {
      const answer = await call('GET', '/v1/whoami', { headers: withToken(await signed(admin, claims)) });
      expect(errorOf(answer), JSON.stringify(claims)).toEqual([
        401,
        'auth.invalid_token',
        'The bearer token is not a valid Keyward token: send a token from POST /v1/authentication, or your API key in x-api-key.',
      ]);
    }
  });
});

describe('the claims the token service reads', () => {
  it('split the scope on runs of spaces, read no scope as none, and ignore a secret_version that is not a number', async () => {
    const { tokens } = await getServices();
    const claimsOf = async (claims: JWTPayload, drop: string[] = []) => tokens.verify(await signed(admin, claims, drop));
    expect((await claimsOf({ scope: ' keys:read  keys:write ' })).scopes).toEqual(['keys:read', 'keys:write']);
    expect((await claimsOf({}, ['scope'])).scopes).toEqual([]);
    expect((await claimsOf({ secret_version: '1' })).secretVersion).toBeUndefined();
    expect((await claimsOf({ secret_version: 1 })).secretVersion).toBe(1);
  });
});

// The token service over a table of its own, so that each test starts with no signing key.

const holder = tokenHolder('CCCCCCCCCCCCCCCC', 'checks');

const kidOf = (token: string) => decodeProtectedHeader(token).kid;

describe('a deployment with no signing key', () => {
  it('says to bootstrap a tenant first', async () => {
    const store = await freshDeployment();
    const tokens = new TokenService(store.settings, getAdapters().cipher, tokenSettings);
    await expect(tokens.jwks()).rejects.toMatchObject({
      code: 'service.not_initialised',
      message: 'Keyward has no signing key yet: bootstrap a tenant first.',
    });
  });
});

describe('a pending signing key', () => {
  it('signs from the very millisecond it activates', async () => {
    const store = await freshDeployment();
    const { cipher } = getAdapters();
    const start = Date.now();
    const first = await rotateSigningKey(store.settings, cipher, new Date(start), 0);
    const next = await rotateSigningKey(store.settings, cipher, new Date(start), 3600);
    const tokens = new TokenService(store.settings, cipher, { ...tokenSettings, refreshSeconds: 0 });
    const issuedAt = async (at: number) => {
      vi.spyOn(Date, 'now').mockReturnValue(at);
      return kidOf((await tokens.issue(holder, 60, new Date(at))).token);
    };
    expect(await issuedAt(start + 3600_000 - 1)).toBe(first);
    expect(await issuedAt(start + 3600_000)).toBe(next);
  });
});

describe('a warm token service', () => {
  it('verifies a token of a signing key it holds without reading the store, however long since it read the keys', async () => {
    const store = await freshDeployment();
    const { cipher } = getAdapters();
    await rotateSigningKey(store.settings, cipher, new Date(), 0);
    const tokens = new TokenService(store.settings, cipher, tokenSettings);
    const { token } = await tokens.issue(holder, 3600, new Date());
    const reads = vi.spyOn(store.settings, 'get');
    const later = Date.now() + 60_000;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    expect(await tokens.verify(token, new Date(later))).toMatchObject({ keyId: holder.keyId });
    expect(reads).not.toHaveBeenCalled();
  });

  it('reads the keys again for a token of a signing key added since, once it read them 30 s ago', async () => {
    const store = await freshDeployment();
    const { cipher } = getAdapters();
    await rotateSigningKey(store.settings, cipher, new Date(), 0);
    const warm = new TokenService(store.settings, cipher, tokenSettings);
    await warm.jwks();
    const added = await rotateSigningKey(store.settings, cipher, new Date(), 0);
    const { token } = await new TokenService(store.settings, cipher, tokenSettings).issue(holder, 3600, new Date());
    expect(kidOf(token)).toBe(added);
    const later = Date.now() + 31_000;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    expect(await warm.verify(token, new Date(later))).toMatchObject({ keyId: holder.keyId, tenant: holder.tenant });
  });
});

describe('a signing-key rotation whose write fails', () => {
  it('reports a lost race as no new key, and passes any other failure on', async () => {
    const { cipher } = getAdapters();
    const failingWith = (error: Error): SettingsStore => ({
      get: async () => undefined,
      put: async () => {
        throw error;
      },
    });
    expect(await rotateSigningKey(failingWith(new WriteConflict('setting')), cipher, new Date(), 0)).toBeUndefined();
    await expect(rotateSigningKey(failingWith(new Error('store unavailable')), cipher, new Date(), 0)).rejects.toThrow('store unavailable');
  });
});
