import { beforeAll, describe, expect, it } from 'vitest';
import { keyUsageResponse, tenantUsageResponse } from '#shared/http/schemas.ts';
import { createServices, getAdapters } from '#shared/runtime.ts';
import { formatApiKey } from '#shared/domain/api-key.ts';
import { call, createKey, newTenant, withKey, withToken } from '../support/api.ts';
import { writesOf } from '../support/dynamodb-calls.ts';

let admin: string;

beforeAll(async () => {
  admin = (await newTenant('analytics')).apiKey;
});

const authenticate = (apiKey: string, sourceIp?: string) => call('POST', '/v1/authentication', { json: { apiKey }, ...(sourceIp ? { sourceIp } : {}) });


describe('usage analytics', () => {
  it('count every use whose secret was right, by outcome, and serve them per key with empty buckets, oldest first', async () => {
    const { key, apiKey } = await createKey(admin, { name: 'counted', rateLimit: { limit: 2, windowSeconds: 86_400 }, allowedIps: ['203.0.113.0/24'] });
    const from = '203.0.113.9';
    expect((await authenticate(apiKey, from)).status).toBe(200);
    expect((await authenticate(apiKey, from)).status).toBe(200);
    expect((await authenticate(apiKey, from)).status).toBe(429);
    expect((await authenticate(apiKey, '198.51.100.1')).status).toBe(403);
    // A wrong secret is not a use: nobody proved they hold the key.
    expect((await authenticate(formatApiKey('kw', { keyId: key.id, secret: 'B'.repeat(32) }), from)).status).toBe(401);
    await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(admin), json: { enabled: false } });
    expect((await authenticate(apiKey, from)).status).toBe(401);

    const usage = keyUsageResponse.parse((await call('GET', `/v1/keys/${key.id}/usage`, { headers: withKey(admin) })).body);
    expect(usage.totals).toEqual({ valid: 2, rateLimited: 1, usageExceeded: 0, ipNotAllowed: 1, refused: 1 });
    expect(usage.items.length).toBeGreaterThanOrEqual(24);
    expect(usage.items.length).toBeLessThanOrEqual(25);
    expect(usage.items.map((item) => item.at)).toEqual([...usage.items.map((item) => item.at)].sort());
    expect(usage.items.filter((item) => item.valid + item.rateLimited + item.ipNotAllowed + item.refused === 0).length).toBe(usage.items.length - 1);

    const daily = keyUsageResponse.parse(
      (await call('GET', `/v1/keys/${key.id}/usage?granularity=day&from=${new Date(Date.now() - 6 * 86_400_000).toISOString()}`, { headers: withKey(admin) })).body,
    );
    expect(daily.items).toHaveLength(7);
    expect(daily.items.every((item) => item.at.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(daily.totals.valid).toBe(2);
  });

  it('serve the tenant totals and its ten most used keys', async () => {
    const tenant = await newTenant('analytics-top');
    // As an admin through a token: its calls are not uses, only the one exchange is.
    const token = (await authenticate(tenant.apiKey)).body.token as string;
    const create = async (name: string) => (await call('POST', '/v1/keys', { headers: withToken(token), json: { name, type: 'viewer' } })).body as { key: { id: string }; apiKey: string };
    const keys = await Promise.all(Array.from({ length: 12 }, (_, i) => create(`key ${i}`)));
    for (const [i, { apiKey }] of keys.entries()) for (let n = 0; n <= i; n++) expect((await authenticate(apiKey)).status).toBe(200);
    const usage = tenantUsageResponse.parse((await call('GET', '/v1/usage', { headers: withToken(token) })).body);
    expect(usage.totals.valid).toBe((12 * 13) / 2 + 1);
    expect(usage.topKeys).toHaveLength(10);
    expect(usage.topKeys[0]).toEqual({ keyId: keys[11]!.key.id, name: 'key 11', valid: 12 });
    expect(usage.topKeys.map((top) => top.valid)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
  });

  it('refuse a range over 90 days or backwards, and another tenant\'s key', async () => {
    const { key } = await createKey(admin, { name: 'range' });
    const tooLong = await call('GET', `/v1/keys/${key.id}/usage?from=${new Date(Date.now() - 91 * 86_400_000).toISOString()}`, { headers: withKey(admin) });
    expect(tooLong.status).toBe(400);
    const backwards = await call('GET', `/v1/usage?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`, { headers: withKey(admin) });
    expect(backwards.status).toBe(400);
    const other = await newTenant('analytics-other');
    expect((await call('GET', `/v1/keys/${key.id}/usage`, { headers: withKey(other.apiKey) })).status).toBe(404);
  });

  it('cost one write per use when on, and none when turned off', async () => {
    const { apiKey } = await createKey(admin, { name: 'quiet' });
    expect((await authenticate(apiKey)).status).toBe(200); // records lastUsedAt, once per interval
    const adapters = getAdapters();
    const on = await createServices(adapters);
    const off = await createServices({ ...adapters, config: { ...adapters.config, usageAnalytics: false } });
    const use = (services: typeof on) => services.authenticator.checkKey({ apiKey }, { sourceIp: null, now: new Date() });
    expect(await writesOf(() => use(on))).toBe(1);
    expect(await writesOf(() => use(off))).toBe(0);
  });
});
