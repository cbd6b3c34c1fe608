import { describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { keyViewSchema, verifyResponse, keyWhoamiResponse } from '#shared/http/schemas.ts';
import { call, newTenant, withKey } from '../support/api.ts';
import { ageKey } from '../support/time-travel.ts';
import { useLocalServer } from '../support/local-http.ts';

// Usage controls through real HTTP against the local server and DynamoDB Local. Windows are a
// day long so a test never straddles a window boundary.

const { http } = useLocalServer();

async function createKey(admin: string, input: Record<string, unknown>) {
  const answer = await http('POST', '/v1/keys', { key: admin, json: { name: 'controlled', type: 'privileged', ...input } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as { key: { id: string }; apiKey: string };
}

const authenticate = (apiKey: string) => http('POST', '/v1/authentication', { json: { apiKey } });
const day = { windowSeconds: 86_400 };

describe('key fields', () => {
  it('are taken on create and update (null removes), shown in every view, verify and whoami, and owner_id is in tokens', async () => {
    const { apiKey: admin } = await newTenant('usage-fields');
    const fields = {
      ownerId: 'customer-42',
      meta: { plan: 'pro', seats: 5, beta: true, note: null },
      rateLimit: { limit: 100, ...day },
      credits: { remaining: 1000, refill: { amount: 1000, interval: 'monthly' } },
      allowedIps: ['127.0.0.1', '10.0.0.0/8', '::1'],
    };
    const { key, apiKey } = await createKey(admin, fields);
    const view = keyViewSchema.parse((await http('GET', `/v1/keys/${key.id}`, { key: admin })).body);
    expect(view).toMatchObject({
      ownerId: 'customer-42',
      meta: fields.meta,
      rateLimit: { limit: 100, windowSeconds: 86_400, remaining: 100 },
      credits: { remaining: 1000, refill: { amount: 1000, interval: 'monthly' } },
      allowedIps: ['127.0.0.1/32', '10.0.0.0/8', '::1/128'],
    });

    const login = await authenticate(apiKey);
    expect(login.status).toBe(200);
    expect(decodeJwt(login.body.token).owner_id).toBe('customer-42');
    expect(decodeJwt(login.body.token).meta).toBeUndefined();

    const verified = verifyResponse.parse((await http('POST', '/v1/keys/verify', { key: admin, json: { apiKey } })).body);
    expect(verified).toMatchObject({
      valid: true,
      ownerId: 'customer-42',
      meta: fields.meta,
      credits: { remaining: 998 },
      rateLimit: { limit: 100, remaining: 98 },
    });

    const me = keyWhoamiResponse.parse((await http('GET', '/v1/whoami', { token: login.body.token })).body);
    expect(me.key).toMatchObject({ ownerId: 'customer-42', meta: fields.meta });

    const cleared = await http('PATCH', `/v1/keys/${key.id}`, {
      key: admin,
      json: { ownerId: null, meta: null, rateLimit: null, credits: null, allowedIps: null },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ ownerId: null, meta: null, rateLimit: null, credits: null, allowedIps: null });
  });

  it('are refused with a clear 400 when malformed', async () => {
    const { apiKey: admin } = await newTenant('usage-bad-fields');
    const bad: Record<string, unknown>[] = [
      { ownerId: 'has space' },
      { meta: { nested: { no: 1 } } },
      { meta: { big: 'x'.repeat(1000), bigger: 'y'.repeat(1000), biggest: 'z'.repeat(100) } },
      { meta: { text: 'bell\u0007' } },
      { rateLimit: { limit: 0, windowSeconds: 60 } },
      { rateLimit: { limit: 10, windowSeconds: 86_401 } },
      { credits: { remaining: -1 } },
      { credits: { remaining: 5, refill: { amount: 5, interval: 'weekly' } } },
      { allowedIps: ['300.1.1.1'] },
      { allowedIps: ['10.0.0.0/33'] },
      { allowedIps: [] },
    ];
    for (const input of bad) {
      const answer = await http('POST', '/v1/keys', { key: admin, json: { name: 'bad', type: 'viewer', ...input } });
      expect(answer.status, JSON.stringify(input)).toBe(400);
      expect(answer.body.code).toBe('request.invalid');
      expect(answer.body.details[0].path).toMatch(/^(ownerId|meta|rateLimit|credits|allowedIps)/);
    }
  });

  it('filter lists by owner', async () => {
    const { apiKey: admin } = await newTenant('usage-owner-filter');
    const mine = await createKey(admin, { ownerId: 'alice' });
    await createKey(admin, { ownerId: 'bob' });
    const listed = await http('GET', '/v1/keys?ownerId=alice', { key: admin });
    expect(listed.body.items.map((k: { id: string }) => k.id)).toEqual([mine.key.id]);
    // A search by key id is one read, not the index: it must honour the owner filter too.
    const bobs = await createKey(admin, { ownerId: 'bob' });
    const byId = await http('GET', `/v1/keys?ownerId=alice&search=${bobs.key.id}`, { key: admin });
    expect(byId.body.items).toEqual([]);
    const byFullKey = await http('GET', `/v1/keys?ownerId=bob&search=${bobs.apiKey}`, { key: admin });
    expect(byFullKey.body.items.map((k: { id: string }) => k.id)).toEqual([bobs.key.id]);
  });
});

describe('enforcement on every use', () => {
  it('refuses a source IP outside the key allow-list with 403, and tokens from outside too', async () => {
    const { apiKey: admin } = await newTenant('usage-ip');
    const local = await createKey(admin, { allowedIps: ['127.0.0.0/8', '::1/128'] });
    const elsewhere = await createKey(admin, { allowedIps: ['203.0.113.0/24'] });
    expect((await authenticate(local.apiKey)).status).toBe(200);
    const refused = await authenticate(elsewhere.apiKey);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('authentication.ip_not_allowed');
    expect((await http('GET', '/v1/whoami', { key: elsewhere.apiKey })).status).toBe(403);
    // A token minted from an allowed address is refused from an address no longer allowed.
    const token = (await authenticate(local.apiKey)).body.token;
    await http('PATCH', `/v1/keys/${local.key.id}`, { key: admin, json: { allowedIps: ['203.0.113.0/24'] } });
    expect((await http('GET', '/v1/whoami', { token })).body.code).toBe('authentication.ip_not_allowed');
  });

  it('allows `limit` uses per window, with RateLimit headers on every answer, then 429 with Retry-After', async () => {
    const { apiKey: admin } = await newTenant('usage-rate');
    const { apiKey } = await createKey(admin, { rateLimit: { limit: 3, ...day } });
    for (let used = 1; used <= 3; used++) {
      const answer = await authenticate(apiKey);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('ratelimit-limit')).toBe('3');
      expect(answer.headers.get('ratelimit-remaining')).toBe(String(3 - used));
      expect(Number(answer.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    const refused = await authenticate(apiKey);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('authentication.rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // A management call with the key is a use too.
    expect((await http('GET', '/v1/whoami', { key: apiKey })).status).toBe(429);
    const verified = verifyResponse.parse((await http('POST', '/v1/keys/verify', { key: admin, json: { apiKey } })).body);
    expect(verified).toMatchObject({ valid: false, code: 'authentication.rate_limited' });
    expect((verified as { retryAfter?: number }).retryAfter).toBeGreaterThan(0);
  });

  it('spends a credit per successful use, refuses at zero with 429, and charges nothing for a refused use', async () => {
    const { apiKey: admin } = await newTenant('usage-credits');
    const { key, apiKey } = await createKey(admin, { credits: { remaining: 2 }, rateLimit: { limit: 2, ...day } });
    expect((await authenticate(apiKey)).status).toBe(200);
    expect((await authenticate(apiKey)).status).toBe(200);
    const limited = await authenticate(apiKey);
    expect(limited.body.code).toBe('authentication.rate_limited');
    const view = await http('GET', `/v1/keys/${key.id}`, { key: admin });
    expect(view.body.credits.remaining).toBe(0);
    // Lift the rate limit: now credits are what refuses, and without a refill there is no Retry-After.
    await http('PATCH', `/v1/keys/${key.id}`, { key: admin, json: { rateLimit: null } });
    const exhausted = await authenticate(apiKey);
    expect(exhausted.status).toBe(429);
    expect(exhausted.body.code).toBe('authentication.usage_exceeded');
    expect(exhausted.headers.get('retry-after')).toBeNull();

    const { key: capped, apiKey: cappedKey } = await createKey(admin, { credits: { remaining: 5 }, rateLimit: { limit: 1, ...day } });
    expect((await authenticate(cappedKey)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await authenticate(cappedKey)).status).toBe(429);
    expect((await http('GET', `/v1/keys/${capped.id}`, { key: admin })).body.credits.remaining).toBe(4);
  });

  it('refills on the first use after the boundary, and shows the refill in the view before that', async () => {
    const { apiKey: admin } = await newTenant('usage-refill');
    const { key, apiKey } = await createKey(admin, { credits: { remaining: 0, refill: { amount: 50, interval: 'daily' } } });
    const refused = await authenticate(apiKey);
    expect(refused.body.code).toBe('authentication.usage_exceeded');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(86_400);
    // Yesterday's credits: as if the boundary had passed.
    await ageKey(key.id, { creditsPeriod: '2000-01-01' });
    expect((await http('GET', `/v1/keys/${key.id}`, { key: admin })).body.credits.remaining).toBe(50);
    expect((await authenticate(apiKey)).status).toBe(200);
    expect((await http('GET', `/v1/keys/${key.id}`, { key: admin })).body.credits.remaining).toBe(49);
  });

  it('is exact under concurrency: 30 parallel uses of a key limited to 10 give exactly 10 successes', async () => {
    const { apiKey: admin } = await newTenant('usage-race');
    const { apiKey } = await createKey(admin, { rateLimit: { limit: 10, ...day } });
    const answers = await Promise.all(Array.from({ length: 30 }, () => authenticate(apiKey)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(10);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(20);

    const { key, apiKey: creditKey } = await createKey(admin, { credits: { remaining: 7 } });
    const spent = await Promise.all(Array.from({ length: 20 }, () => authenticate(creditKey)));
    expect(spent.filter((answer) => answer.status === 200)).toHaveLength(7);
    expect((await http('GET', `/v1/keys/${key.id}`, { key: admin })).body.credits.remaining).toBe(0);
  });
});

describe('tenant policy', () => {
  const policy = {
    maxLifetimeDays: null,
    requireExpiry: false,
    maxGracePeriodSeconds: 604_800,
    allowedIps: null,
    systemKey: 'enabled',
    personTokenSeconds: 900,
    onLeak: 'revoke',
  };

  it('reads with keys:read, is replaced by keys:admin only, and is audited', async () => {
    const { apiKey: admin } = await newTenant('policy-rw');
    const viewer = await createKey(admin, { type: 'viewer' });
    const privileged = await createKey(admin, {});
    expect((await http('GET', '/v1/tenant/policy', { key: viewer.apiKey })).body).toEqual(policy);
    const forbidden = await http('PUT', '/v1/tenant/policy', { key: privileged.apiKey, json: policy });
    expect(forbidden.status).toBe(403);
    const strict = { maxLifetimeDays: 30, requireExpiry: true, maxGracePeriodSeconds: 3600, allowedIps: ['127.0.0.0/8', '::1'] };
    const put = await http('PUT', '/v1/tenant/policy', { key: admin, json: strict });
    expect(put.status).toBe(200);
    // The rules a PUT leaves out keep their values.
    expect(put.body).toEqual({
      ...strict,
      allowedIps: ['127.0.0.0/8', '::1/128'],
      systemKey: 'enabled',
      personTokenSeconds: 900,
      onLeak: 'revoke',
    });
    const audit = await http('GET', '/v1/audit?limit=5', { key: admin });
    expect(audit.body.items[0]).toMatchObject({ action: 'tenant.policy_update', outcome: 'success' });
    expect((await http('PUT', '/v1/tenant/policy', { key: admin, json: { requireExpiry: true } })).status).toBe(400);
  });

  it('is enforced on create and regenerate, naming the rule', async () => {
    const { apiKey: admin } = await newTenant('policy-enforced');
    const existing = await createKey(admin, {});
    await http('PUT', '/v1/tenant/policy', {
      key: admin,
      json: { maxLifetimeDays: 30, requireExpiry: true, maxGracePeriodSeconds: 3600, allowedIps: null },
    });
    const forever = await http('POST', '/v1/keys', { key: admin, json: { name: 'x', type: 'viewer' } });
    expect(forever.status).toBe(400);
    expect(forever.body.code).toBe('policy.violation');
    expect(forever.body.message).toContain('requireExpiry');
    const tooLong = await http('POST', '/v1/keys', { key: admin, json: { name: 'x', type: 'viewer', expiresInDays: 31 } });
    expect(tooLong.body.code).toBe('policy.violation');
    expect(tooLong.body.message).toContain('maxLifetimeDays');
    expect((await http('POST', '/v1/keys', { key: admin, json: { name: 'x', type: 'viewer', expiresInDays: 30 } })).status).toBe(201);
    const longGrace = await http('POST', `/v1/keys/${existing.key.id}/regenerate`, { key: admin, json: { gracePeriodSeconds: 7200 } });
    expect(longGrace.body.code).toBe('policy.violation');
    expect(longGrace.body.message).toContain('maxGracePeriodSeconds');
    expect((await http('POST', `/v1/keys/${existing.key.id}/regenerate`, { key: admin, json: { gracePeriodSeconds: 3600 } })).status).toBe(
      200,
    );
  });

  it('applies its allowed IPs to every use of every key of the tenant', async () => {
    const { apiKey: admin } = await newTenant('policy-ips');
    const { apiKey } = await createKey(admin, {});
    expect((await authenticate(apiKey)).status).toBe(200);
    // Set from inside the allowed block: a policy that would refuse its author is itself refused.
    const set = await call('PUT', '/v1/tenant/policy', {
      headers: withKey(admin),
      json: { ...policy, allowedIps: ['203.0.113.0/24'] },
      sourceIp: '203.0.113.9',
    });
    expect(set.status).toBe(200);
    const refused = await authenticate(apiKey);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('authentication.ip_not_allowed');
  });
});

describe('revoke all', () => {
  it('revokes every matching active or disabled non-system key, audits each, and is safe to repeat', async () => {
    const tenant = await newTenant('revoke-all');
    const admin = tenant.apiKey;
    const leaked = await Promise.all(
      Array.from({ length: 60 }, (_, i) => createKey(admin, { name: `leaked ${i}`, ownerId: 'contractor' })),
    );
    await http('PATCH', `/v1/keys/${leaked[0]!.key.id}`, { key: admin, json: { enabled: false } });
    const kept = await createKey(admin, { ownerId: 'employee' });
    const revoked = await http('POST', '/v1/keys/revoke-all', { key: admin, json: { reason: 'contract ended', ownerId: 'contractor' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ revoked: 60 });
    for (const { apiKey } of leaked.slice(0, 3)) expect((await authenticate(apiKey)).body.code).toBe('authentication.key_revoked');
    expect((await authenticate(kept.apiKey)).status).toBe(200);
    expect((await authenticate(admin)).status).toBe(200);
    const events = await http('GET', `/v1/audit?keyId=${leaked[5]!.key.id}&limit=5`, { key: admin });
    expect(events.body.items[0]).toMatchObject({ action: 'key.revoke' });
    const log = await http('GET', '/v1/audit?limit=100', { key: admin });
    // The refused authentications above are counted into one event per minute, kept under the
    // minute's start, so where they fall next to the revoke-all depends on the clock: this checks
    // the order of the changes only.
    const actions = log.body.items
      .map((event: { action: string }) => event.action)
      .filter((action: string) => action !== 'authentication.failure');
    expect(actions[0]).toBe('tenant.revoke_all');
    expect(actions.filter((action: string) => action === 'key.revoke')).toHaveLength(60);
    expect((await http('POST', '/v1/keys/revoke-all', { key: admin, json: { reason: 'again', ownerId: 'contractor' } })).body).toEqual({
      revoked: 0,
    });
    const everything = await http('POST', '/v1/keys/revoke-all', { key: admin, json: { reason: 'all out' } });
    expect(everything.body).toEqual({ revoked: 1 });
    expect((await authenticate(admin)).status).toBe(200);
  });
});
