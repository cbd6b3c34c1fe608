import { beforeAll, describe, expect, it } from 'vitest';
import { call, createKey, newTenant, tokenFor, withKey, withToken } from '../support/api.ts';
import { getAdapters } from '#shared/runtime.ts';
import { formatApiKey, generateSecret } from '#shared/domain/api-key.ts';

// A second review's findings, tried as an attacker would: each failed before its fix.

let systemKey: string;

beforeAll(async () => {
  systemKey = (await newTenant('hardening')).apiKey;
});

describe('a request with two credentials', () => {
  it('is refused, whichever of the two is good', async () => {
    const viewer = await createKey(systemKey, { name: 'viewer', type: 'viewer' });
    const headers = { ...withKey(viewer.apiKey), ...withToken(await tokenFor(systemKey)) };
    const answer = await call('GET', '/v1/keys', { headers });
    expect([answer.status, answer.body.code]).toEqual([400, 'request.ambiguous_credentials']);
  });

  it('is refused on the token endpoint too: Basic credentials and body credentials', async () => {
    const key = await createKey(systemKey, { name: 'client', type: 'viewer' });
    const basic = Buffer.from(`${key.key.id}:${key.keySecret}`).toString('base64');
    const answer = await call('POST', '/v1/oauth/token', {
      raw: new URLSearchParams({ grant_type: 'client_credentials', client_id: key.key.id, client_secret: key.keySecret }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    });
    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
  });
});

describe('a key changing its own limits', () => {
  it.each([
    ['rateLimit', { rateLimit: null }],
    ['credits', { credits: { remaining: 1_000_000 } }],
    ['allowedIps', { allowedIps: null }],
  ])('is refused for %s: limits bind the holder', async (field, change) => {
    const limited = await createKey(systemKey, {
      name: 'limited',
      type: 'privileged',
      rateLimit: { limit: 1000, windowSeconds: 60 },
      credits: { remaining: 100 },
      allowedIps: ['203.0.113.0/24'],
    });
    const answer = await call('PATCH', `/v1/keys/${limited.key.id}`, { headers: withKey(limited.apiKey), json: change });
    expect([answer.status, answer.body.code]).toEqual([403, 'auth.forbidden']);
    expect(answer.body.message).toContain(field);
    // Another holder may still change them.
    expect((await call('PATCH', `/v1/keys/${limited.key.id}`, { headers: withKey(systemKey), json: change })).status).toBe(200);
  });
});

describe('a tenant policy', () => {
  it('that would refuse its author is refused, naming their address', async () => {
    const policy = { maxLifetimeDays: null, requireExpiry: false, maxGracePeriodSeconds: 0, allowedIps: ['198.51.100.0/24'] };
    const answer = await call('PUT', '/v1/tenant/policy', { headers: withKey(systemKey), json: policy, sourceIp: '203.0.113.7' });
    expect([answer.status, answer.body.code]).toEqual([400, 'policy.violation']);
    expect(answer.body.message).toContain('203.0.113.7');
    // The tenant still works.
    expect((await call('GET', '/v1/keys', { headers: withKey(systemKey), sourceIp: '203.0.113.7' })).status).toBe(200);
  });
});

describe('a failed authentication', () => {
  it('names nobody as its actor: the targeted key is its keyId', async () => {
    const target = await createKey(systemKey, { name: 'target', type: 'viewer' });
    const wrong = formatApiKey('kw', { keyId: target.key.id, secret: generateSecret() });
    expect((await call('GET', '/v1/keys', { headers: withKey(wrong) })).status).toBe(401);
    const page = await getAdapters().store.audit.list('hardening', { keyId: target.key.id, limit: 10 });
    const failure = page.items.find((event) => event.action === 'authentication.failure');
    expect(failure).toMatchObject({ keyId: target.key.id, actor: 'anonymous', actorType: 'unauthenticated' });
  });
});
