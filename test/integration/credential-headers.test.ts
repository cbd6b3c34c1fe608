import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAdapters } from '#shared/runtime.ts';
import { call, createKey, newTenant, tokenFor } from '../support/api.ts';

let admin: string;
let token: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('credential-headers'));
  token = await tokenFor(admin);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const whoami = (headers: Record<string, string>) => call('GET', '/v1/whoami', { headers });
const MISSING =
  'This call needs a credential: send Authorization: Bearer <token> from POST /v1/authentication, or x-api-key: <your API key>.';
const NOT_BEARER = 'The Authorization header must be "Bearer <token>"; to send an API key instead, use the x-api-key header.';

describe('credential headers', () => {
  it('take a bearer token whatever the case of the scheme and the blanks around and between', async () => {
    for (const authorization of [`Bearer ${token}`, `bearer ${token}`, `Bearer  \t${token}`, `  Bearer ${token}  `]) {
      expect((await whoami({ authorization })).status, JSON.stringify(authorization)).toBe(200);
    }
  });

  it('take an API key with blanks around it', async () => {
    expect((await whoami({ 'x-api-key': ` ${admin}\t` })).status).toBe(200);
  });

  it('say what to send when there is no credential, or the Authorization header is not one bearer token', async () => {
    for (const headers of [{}, { authorization: '' }, { 'x-api-key': '' }] as Record<string, string>[]) {
      const response = await whoami(headers);
      expect([response.status, response.body.code, response.body.message], JSON.stringify(headers)).toEqual([
        401,
        'auth.missing_credentials',
        MISSING,
      ]);
    }
    for (const authorization of ['Bearer', `Basic ${token}`, `Bearer ${token} extra`, `Token ${token}`]) {
      const response = await whoami({ authorization });
      expect([response.status, response.body.code, response.body.message], authorization).toEqual([
        401,
        'auth.missing_credentials',
        NOT_BEARER,
      ]);
    }
  });
});

describe('a use of a key with limits that races other uses', () => {
  const authenticate = (apiKey: string) => call('POST', '/v1/authentication', { json: { apiKey } });

  /** Makes the next `times` counted uses lose their race, as if other uses had counted first. */
  function loseRaces(times: number, current: () => Promise<unknown>) {
    const { store } = getAdapters();
    const countUse = store.keys.countUse.bind(store.keys);
    let lost = 0;
    return vi.spyOn(store.keys, 'countUse').mockImplementation(async (keyId, plan) => {
      if (lost >= times) return countUse(keyId, plan);
      lost++;
      return { ok: false, current: (await current()) as never };
    });
  }

  it('is judged again up to eight times, then refused with a retry hint', async () => {
    const { key, apiKey } = await createKey(admin, { rateLimit: { limit: 100, windowSeconds: 60 } });
    const record = () => getAdapters().store.keys.get(key.id);
    const sevenLost = loseRaces(7, record);
    expect((await authenticate(apiKey)).status).toBe(200);
    expect(sevenLost).toHaveBeenCalledTimes(8);
    sevenLost.mockRestore();

    const allLost = loseRaces(8, record);
    const refused = await authenticate(apiKey);
    expect([refused.status, refused.body.code, refused.body.message]).toEqual([
      409,
      'key.conflict',
      'Too many uses of this key raced at once: retry in a moment.',
    ]);
    expect(allLost).toHaveBeenCalledTimes(8);
  });

  it('is refused as an invalid key when the key vanished during the race', async () => {
    const { apiKey } = await createKey(admin, { rateLimit: { limit: 100, windowSeconds: 60 } });
    loseRaces(1, async () => undefined);
    expect((await authenticate(apiKey)).body.code).toBe('authentication.invalid_api_key');
  });
});
