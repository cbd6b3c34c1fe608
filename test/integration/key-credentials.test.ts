import { beforeAll, describe, expect, it } from 'vitest';
import { createServices, getAdapters, getServices } from '#shared/runtime.ts';
import type { KeyRepository } from '#shared/ports.ts';
import { call, createKey, newTenant, tokenFor, withKey, withToken } from '../support/api.ts';
import { commandsSentBy } from '../support/dynamodb-calls.ts';

// How a presented key is judged: its shape, the grace period of a replaced secret, and a use
// whose counting write keeps losing. Real handlers and services over DynamoDB Local; where a
// test needs the store to misbehave, the fault is injected in front of the real repository.

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('credentials'));
});

const exchange = (json: Record<string, unknown>) => call('POST', '/v1/authentication', { json });

describe('a Key ID and Key Secret pair', () => {
  it('is refused with 401, not an error, when the secret is a malformed full key', async () => {
    const { key, apiKey } = await createKey(admin);
    for (const keySecret of [`${apiKey.slice(0, -1)}`, 'kw_', `kw_${'A'.repeat(54)}`]) {
      const answer = await exchange({ keyId: key.id, keySecret });
      expect(answer.status, keySecret).toBe(401);
      expect(answer.body.code).toBe('authentication.invalid_api_key');
    }
  });

  it('that cannot be a key is refused without reading or writing the table', async () => {
    const { key, keySecret } = await createKey(admin);
    expect((await exchange({ keyId: key.id, keySecret })).status).toBe(200);
    for (const pair of [
      { keyId: key.id.slice(1), keySecret },
      { keyId: `${key.id.slice(1)}-`, keySecret },
      { keyId: key.id, keySecret: keySecret.slice(1) },
      { keyId: key.id, keySecret: `${keySecret.slice(1)}_` },
    ]) {
      let answer: Awaited<ReturnType<typeof exchange>> | undefined;
      expect(await commandsSentBy(async () => (answer = await exchange(pair)))).toEqual([]);
      expect(answer?.status, JSON.stringify(pair)).toBe(401);
    }
  });
});

describe('the secret a regenerate replaced', () => {
  it('works until the end of its grace period, and not at that very moment', async () => {
    const { key, apiKey: oldSecret } = await createKey(admin);
    expect(
      (await call('POST', `/v1/keys/${key.id}/regenerate`, { headers: withKey(admin), json: { gracePeriodSeconds: 600 } })).status,
    ).toBe(200);
    const validUntil = (await getAdapters().store.keys.get(key.id))?.previousSecretValidUntil;
    expect(validUntil).toEqual(expect.any(String));
    const { authenticator } = await getServices();
    const at = (ms: number) => ({ sourceIp: null, now: new Date(Date.parse(validUntil!) + ms) });
    const before = await authenticator.judgeKey({ apiKey: oldSecret }, at(-1));
    expect(before.ok && before.value.graceSecret).toBe(true);
    const atEnd = await authenticator.judgeKey({ apiKey: oldSecret }, at(0));
    expect(atEnd.ok).toBe(false);
    expect(!atEnd.ok && atEnd.refusal.code).toBe('authentication.invalid_api_key');
  });

  it('cannot manage keys during its grace period, and says why; the new secret can', async () => {
    const { key, apiKey: oldSecret } = await createKey(admin);
    const oldToken = await tokenFor(oldSecret);
    const regenerated = await call('POST', `/v1/keys/${key.id}/regenerate`, { headers: withKey(admin), json: { gracePeriodSeconds: 600 } });
    const refused = await call('GET', '/v1/keys', { headers: withKey(oldSecret) });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'auth.superseded_secret',
      message:
        "This secret was replaced by a regenerate: during its grace period it can only be exchanged for tokens or verified, not manage keys. Use the key's new secret.",
    });
    const superseded = await call('GET', '/v1/keys', { headers: withToken(oldToken) });
    expect(superseded.status).toBe(401);
    expect(superseded.body).toMatchObject({
      code: 'authentication.token_superseded',
      message:
        "This token was issued before the key's secret was last regenerated (or from the old secret during its grace period), so Keyward no longer accepts it: authenticate again with the key's current secret.",
    });
    expect((await call('GET', '/v1/keys', { headers: withKey(regenerated.body.apiKey) })).status).toBe(200);
  });
});

describe('a use whose counting write does not land', () => {
  /** The services over the real store, with the key repository's counting write replaced by `countUse`. */
  async function servicesWith(countUse: KeyRepository['countUse']) {
    const adapters = getAdapters();
    const keys: KeyRepository = Object.assign(Object.create(adapters.store.keys) as KeyRepository, { countUse });
    return createServices({ ...adapters, store: { ...adapters.store, keys } });
  }

  it('is judged again on the counters the write returned, and given up with key.conflict when it keeps losing', async () => {
    const { key, apiKey } = await createKey(admin, { rateLimit: { limit: 1000, windowSeconds: 86_400 } });
    const record = await getAdapters().store.keys.get(key.id);
    let attempts = 0;
    const services = await servicesWith(async () => {
      attempts++;
      return { ok: false, current: record };
    });
    const verdict = await services.authenticator.judgeKey({ apiKey }, { sourceIp: null, now: new Date() });
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.refusal.code).toBe('key.conflict');
    expect(!verdict.ok && verdict.refusal.message).toBe('Too many uses of this key raced at once: retry in a moment.');
    expect(attempts).toBeGreaterThan(1);
  });

  it('of a key deleted meanwhile is refused as an unknown key', async () => {
    const { apiKey } = await createKey(admin, { credits: { remaining: 5 } });
    const services = await servicesWith(async () => ({ ok: false, current: undefined }));
    const verdict = await services.authenticator.judgeKey({ apiKey }, { sourceIp: null, now: new Date() });
    expect(!verdict.ok && verdict.refusal.code).toBe('authentication.invalid_api_key');
  });
});
