import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAdapters } from '#shared/runtime.ts';
import { getConfig } from '#shared/config.ts';
import { messages } from '#shared/limits.ts';
import { call, createKey, errorOf, newTenant, withKey } from '../support/api.ts';
import { ageKey } from '../support/time-travel.ts';

// Edges of key management that only a caller short of a scope, a key in a final state, a
// failed batch write or an unusual search reaches: real handlers over DynamoDB Local.

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('key-service-edges'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const DAY_MS = 24 * 3600 * 1000;
const as = (apiKey: string) => ({ headers: withKey(apiKey) });
const forbidden = (message: string) => [403, 'auth.forbidden', message];
const auditOf = async (keyId: string, action: string) => {
  const events = (await call('GET', `/v1/audit?keyId=${keyId}`, as(admin))).body.items as { action: string; details: unknown }[];
  return events.filter((event) => event.action === action).map((event) => event.details);
};

describe('a privileged key short of a custom scope', () => {
  // The caller holds 'reports:read'; the target also holds 'billing:write', which the caller lacks.
  let caller: string;
  let target: string;
  let own: string;

  beforeAll(async () => {
    ({ apiKey: caller } = await createKey(admin, { name: 'scoped caller', scopes: ['reports:read'] }));
    ({
      key: { id: target },
    } = await createKey(admin, { name: 'out of reach', scopes: ['reports:read', 'billing:write'] }));
    ({
      key: { id: own },
    } = await createKey(admin, { name: 'within reach', scopes: ['reports:read'] }));
  });

  const beyond = (verb: string) => forbidden(`You cannot ${verb} a key that holds scopes you do not hold yourself: 'billing:write'.`);

  it('is refused a rename, an enable and a disable, each named for what was asked', async () => {
    const patch = (json: Record<string, unknown>) => call('PATCH', `/v1/keys/${target}`, { ...as(caller), json });
    expect(errorOf(await patch({ name: 'renamed' }))).toEqual(beyond('change'));
    expect(errorOf(await patch({ enabled: true }))).toEqual(beyond('enable'));
    expect(errorOf(await patch({ enabled: false }))).toEqual(beyond('disable'));
    expect((await call('GET', `/v1/keys/${target}`, as(admin))).body).toMatchObject({ name: 'out of reach', status: 'active' });
  });

  it('is refused a regenerate, named as such', async () => {
    const refused = await call('POST', `/v1/keys/${target}/regenerate`, { ...as(caller), json: {} });
    expect(errorOf(refused)).toEqual(beyond('regenerate'));
  });

  it('is refused adding a scope it does not hold to a key it may otherwise change', async () => {
    const refused = await call('PATCH', `/v1/keys/${own}`, { ...as(caller), json: { scopes: ['reports:read', 'billing:write'] } });
    expect(errorOf(refused)).toEqual(forbidden("You cannot grant scopes you do not hold yourself: 'billing:write'."));
    expect((await call('GET', `/v1/keys/${own}`, as(admin))).body.scopes).toEqual(['reports:read']);
  });
});

describe('a change', () => {
  it('of the name alone changes and audits only the name, keeping scopes, meta and credits', async () => {
    const { key } = await createKey(admin, {
      name: 'before',
      scopes: ['reports:read'],
      meta: { plan: 'gold' },
      credits: { remaining: 4 },
    });
    const renamed = await call('PATCH', `/v1/keys/${key.id}`, { ...as(admin), json: { name: 'after' } });
    expect(renamed.status).toBe(200);
    for (const view of [renamed.body, (await call('GET', `/v1/keys/${key.id}`, as(admin))).body]) {
      expect(view).toMatchObject({ name: 'after', scopes: ['reports:read'], meta: { plan: 'gold' }, credits: { remaining: 4 } });
    }
    expect(await auditOf(key.id, 'key.update')).toEqual([{ fields: ['name'] }]);
  });

  it('of meta and of credits audits exactly the fields it changed', async () => {
    const { key } = await createKey(admin, { name: 'usage', credits: { remaining: 4 } });
    expect((await call('PATCH', `/v1/keys/${key.id}`, { ...as(admin), json: { meta: { tier: 2 } } })).status).toBe(200);
    expect((await call('PATCH', `/v1/keys/${key.id}`, { ...as(admin), json: { credits: null } })).status).toBe(200);
    const fields = (await auditOf(key.id, 'key.update')).map((details) => (details as { fields: string[] }).fields);
    expect(fields.map((list) => [...list].sort())).toEqual(expect.arrayContaining([['meta'], ['credits', 'creditsPeriod']]));
    expect(fields).toHaveLength(2);
    const view = (await call('GET', `/v1/keys/${key.id}`, as(admin))).body;
    expect([view.meta, view.credits]).toEqual([{ tier: 2 }, null]);
  });

  it('of credits to a new amount sets that amount', async () => {
    const { key } = await createKey(admin, { name: 'topped up', credits: { remaining: 1 } });
    const changed = await call('PATCH', `/v1/keys/${key.id}`, { ...as(admin), json: { credits: { remaining: 7 } } });
    expect([changed.status, changed.body.credits]).toEqual([200, { remaining: 7 }]);
    expect((await call('GET', `/v1/keys/${key.id}`, as(admin))).body.credits).toEqual({ remaining: 7 });
  });
});

describe('a key in a final state', () => {
  it('cannot be enabled or disabled once revoked, and stays revoked', async () => {
    const { key } = await createKey(admin, { name: 'revoked for good' });
    expect((await call('POST', `/v1/keys/${key.id}/revoke`, { ...as(admin), json: {} })).status).toBe(200);
    for (const enabled of [true, false]) {
      const refused = await call('PATCH', `/v1/keys/${key.id}`, { ...as(admin), json: { enabled } });
      expect(errorOf(refused)).toEqual([409, 'key.not_editable', 'The key is revoked: it can no longer be enabled or disabled.']);
    }
    expect((await call('GET', `/v1/keys/${key.id}`, as(admin))).body.status).toBe('revoked');
    expect((await getAdapters().store.keys.get(key.id))?.status).toBe('revoked');
  });
});

describe('revoking a key', () => {
  const retention = () => getConfig().retentionDays * DAY_MS;

  it('sets the purge time a revocation gives when the stored one is later', async () => {
    const { key } = await createKey(admin, { name: 'expires late', expiresInDays: 60 });
    const later = new Date(Date.now() + 400 * DAY_MS).toISOString();
    await ageKey(key.id, { purgeAt: later });
    expect((await call('POST', `/v1/keys/${key.id}/revoke`, { ...as(admin), json: {} })).status).toBe(200);
    const record = await getAdapters().store.keys.get(key.id);
    expect(record?.purgeAt).toBe(new Date(Date.parse(record?.revokedAt as string) + retention()).toISOString());
  });

  it('keeps a stored purge time earlier than the one a revocation gives', async () => {
    const { key } = await createKey(admin, { name: 'purged soon', expiresInDays: 1 });
    const earlier = new Date(Date.now() + 2 * DAY_MS).toISOString();
    await ageKey(key.id, { purgeAt: earlier });
    expect((await call('POST', `/v1/keys/${key.id}/revoke`, { ...as(admin), json: {} })).status).toBe(200);
    expect((await getAdapters().store.keys.get(key.id))?.purgeAt).toBe(earlier);
  });
});

describe('revoke-all whose batch write fails for a reason other than a conflict', () => {
  it('answers the failure and revokes nothing, key by key or otherwise', async () => {
    const { apiKey: own } = await newTenant('key-service-edges-revoke-all');
    const ids = await Promise.all(['one', 'two'].map(async (name) => (await createKey(own, { name })).key.id));
    vi.spyOn(getAdapters().store.changes, 'write').mockRejectedValueOnce(new Error('the table is gone'));
    const failed = await call('POST', '/v1/keys/revoke-all', { ...as(own), json: { reason: 'leak' } });
    expect(errorOf(failed)).toEqual([500, 'internal.error', messages.internalError]);
    for (const id of ids) expect((await getAdapters().store.keys.get(id))?.status).toBe('active');
  });
});

describe('deleting a key', () => {
  it('audits the name and type of the key it deleted', async () => {
    const { key } = await createKey(admin, { name: 'gone', type: 'viewer' });
    expect((await call('DELETE', `/v1/keys/${key.id}`, as(admin))).status).toBe(204);
    expect(await auditOf(key.id, 'key.delete')).toEqual([{ name: 'gone', type: 'viewer' }]);
  });
});

describe('verify', () => {
  const verify = (apiKey: string) => call('POST', '/v1/keys/verify', { ...as(admin), json: { apiKey } });

  it('of a key over its rate limit answers when to retry, and only its RateLimit headers', async () => {
    const { apiKey } = await createKey(admin, { name: 'limited', rateLimit: { limit: 1, windowSeconds: 86_400 } });
    expect((await verify(apiKey)).body.valid).toBe(true);
    const limited = await verify(apiKey);
    expect(limited.status).toBe(200);
    expect(limited.body).toEqual({ valid: false, code: 'authentication.rate_limited', retryAfter: expect.any(Number) });
    expect(limited.body.retryAfter).toBeGreaterThan(0);
    expect(limited.headers).toMatchObject({ 'ratelimit-limit': '1', 'ratelimit-remaining': '0' });
    expect(Number(limited.headers['ratelimit-reset'])).toBeGreaterThan(0);
    expect(limited.headers['retry-after']).toBeUndefined();
  });

  it('of a key refused for another reason has no retryAfter and no Retry-After, even when its credits refill', async () => {
    const { apiKey } = await createKey(admin, { name: 'spent', credits: { remaining: 1, refill: { amount: 1, interval: 'daily' } } });
    expect((await verify(apiKey)).body.valid).toBe(true);
    const spent = await verify(apiKey);
    expect([spent.status, spent.body]).toEqual([200, { valid: false, code: 'authentication.usage_exceeded' }]);
    expect(spent.headers['retry-after']).toBeUndefined();

    const disabled = await createKey(admin, { name: 'off' });
    expect((await call('PATCH', `/v1/keys/${disabled.key.id}`, { ...as(admin), json: { enabled: false } })).status).toBe(200);
    const refused = await verify(disabled.apiKey);
    expect([refused.status, refused.body]).toEqual([200, { valid: false, code: 'authentication.key_disabled' }]);
  });
});

describe('create', () => {
  it('accepts a lifetime of exactly 3650 days', async () => {
    const created = await call('POST', '/v1/keys', { ...as(admin), json: { name: 'longest', type: 'viewer', expiresInDays: 3650 } });
    expect(created.status).toBe(201);
    expect(Date.parse(created.body.key.expiresAt) - Date.parse(created.body.key.createdAt)).toBe(3650 * DAY_MS);
  });
});

describe('listing with a search', () => {
  const ids = async (query: string) =>
    ((await call('GET', `/v1/keys?${query}`, as(admin))).body.items as { id: string }[]).map((item) => item.id);

  it('ignores blanks around the term', async () => {
    const { key } = await createKey(admin, { name: 'padded-search-target' });
    expect(await ids(`search=${encodeURIComponent('  padded-search-target  ')}`)).toEqual([key.id]);
    expect(await ids(`search=${encodeURIComponent(` ${key.id} `)}`)).toEqual([key.id]);
  });

  it('by the preview of a key that is gone finds nothing, not even a key named after it', async () => {
    const { key } = await createKey(admin, { name: 'soon deleted' });
    const preview = key.preview as string;
    expect((await call('DELETE', `/v1/keys/${key.id}`, as(admin))).status).toBe(204);
    await createKey(admin, { name: `copy of ${preview}` });
    expect(await ids(`search=${encodeURIComponent(preview)}`)).toEqual([]);
  });
});
