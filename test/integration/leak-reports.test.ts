import { beforeAll, describe, expect, it } from 'vitest';
import { formatApiKey, generateSecret } from '#shared/domain/api-key.ts';
import { getAdapters } from '#shared/runtime.ts';
import { REPORT_ANSWER_FLOOR_MS } from '#functions/report-leak.ts';
import { call, createKey, newTenant, withKey } from '../support/api.ts';

// POST /v1/keys/report-leak: anyone may report a key they found; a valid key is dealt with by
// its tenant's onLeak policy, and the answer never says whether the key was one.

const TENANT = 'leaks';
let systemKey: string;
let address = 0;
/** Each report from its own address, so the per-address limit only bites where a test wants it. */
const report = (json: unknown, sourceIp = `198.51.100.${++address % 250}`) => call('POST', '/v1/keys/report-leak', { json, sourceIp });

const keyOf = (id: string) => call('GET', `/v1/keys/${id}`, { headers: withKey(systemKey) });
const auditOf = async (keyId: string) =>
  (await getAdapters().store.audit.list(TENANT, { keyId, limit: 50 })).items.map((event) => ({
    action: event.action,
    actor: event.actor,
    details: event.details,
  }));
const authenticate = (apiKey: string) => call('POST', '/v1/authentication', { json: { apiKey } });

async function setOnLeak(onLeak: 'revoke' | 'disable' | 'notify') {
  const policy = (await call('GET', '/v1/tenant/policy', { headers: withKey(systemKey) })).body;
  const put = await call('PUT', '/v1/tenant/policy', { headers: withKey(systemKey), json: { ...policy, onLeak } });
  expect(put.body.onLeak).toBe(onLeak);
}

beforeAll(async () => {
  systemKey = (await newTenant(TENANT)).apiKey;
});

describe('a report', () => {
  it('answers byte for byte the same for a valid, a revoked, an unknown, a wrong-secret, a bad-checksum and a malformed key', async () => {
    const valid = await createKey(systemKey, { name: 'valid one' });
    const revoked = await createKey(systemKey, { name: 'revoked one' });
    await call('POST', `/v1/keys/${revoked.key.id}/revoke`, { headers: withKey(systemKey), json: {} });
    const unknown = formatApiKey('kw', { keyId: 'Zz9Yy8Xx7Ww6Vv5U', secret: generateSecret() });
    const wrongSecret = formatApiKey('kw', { keyId: valid.key.id, secret: generateSecret() });
    const badChecksum = `${valid.apiKey.slice(0, -1)}${valid.apiKey.endsWith('A') ? 'B' : 'A'}`;
    const answers = [];
    for (const apiKey of [wrongSecret, badChecksum, revoked.apiKey, unknown, 'not a key at all', valid.apiKey]) {
      const answer = await report({ apiKey, source: 'public gist' });
      const { 'x-request-id': _id, ...headers } = answer.headers;
      answers.push({ status: answer.status, text: answer.text, headers });
    }
    expect(answers[0]).toEqual({ status: 202, text: '{"received":true}', headers: expect.any(Object) });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    // Only the valid key was touched, and only once it was reported with its real secret.
    expect((await keyOf(valid.key.id)).body.status).toBe('revoked');
    expect((await keyOf(revoked.key.id)).body.leakedAt).toBeNull();
  });

  it('answers no sooner than its floor, so a valid key takes no longer to answer than a made-up one', async () => {
    const { apiKey } = await createKey(systemKey, { name: 'timed' });
    for (const key of [apiKey, 'kw_not_a_key', formatApiKey('kw', { keyId: 'Qq1Ww2Ee3Rr4Tt5Y', secret: generateSecret() })]) {
      const started = performance.now();
      expect((await report({ apiKey: key })).status).toBe(202);
      // A lower bound only: timers never fire early, so this cannot flake on a slow machine.
      expect(performance.now() - started).toBeGreaterThanOrEqual(REPORT_ANSWER_FLOOR_MS - 1);
    }
  });

  it('revokes a valid key by default, naming the leak in the audit log, and a repeat does nothing more', async () => {
    const { key, apiKey } = await createKey(systemKey, { name: 'pasted in a gist' });
    expect((await authenticate(apiKey)).status).toBe(200);
    await report({ apiKey, source: 'public gist', url: 'https://gist.example.com/abc' });
    const view = (await keyOf(key.id)).body;
    expect(view).toMatchObject({ status: 'revoked', leakedAt: expect.any(String) });
    expect((await authenticate(apiKey)).body.code).toBe('authentication.key_revoked');
    const events = await auditOf(key.id);
    expect(events).toEqual(
      expect.arrayContaining([
        {
          action: 'key.leaked',
          actor: 'keyward:leak-report',
          details: { via: 'report', source: 'public gist', url: 'https://gist.example.com/abc', onLeak: 'revoke' },
        },
        { action: 'key.revoke', actor: 'keyward:leak-report', details: { reason: 'leaked' } },
      ]),
    );
    await report({ apiKey, source: 'another gist' });
    expect(await auditOf(key.id)).toHaveLength(events.length);
    expect((await keyOf(key.id)).body.leakedAt).toBe(view.leakedAt);
  });

  it('disables, or only tells, as the tenant policy says', async () => {
    await setOnLeak('disable');
    const disabled = await createKey(systemKey, { name: 'to disable' });
    await report({ apiKey: disabled.apiKey });
    expect((await keyOf(disabled.key.id)).body).toMatchObject({ status: 'disabled', leakedAt: expect.any(String) });
    expect((await auditOf(disabled.key.id)).map((event) => event.action)).toEqual(expect.arrayContaining(['key.leaked', 'key.disable']));

    await setOnLeak('notify');
    const told = await createKey(systemKey, { name: 'only told' });
    await report({ apiKey: told.apiKey, source: 'build log' });
    expect((await keyOf(told.key.id)).body).toMatchObject({ status: 'active', leakedAt: expect.any(String) });
    expect((await auditOf(told.key.id)).map((event) => event.action)).toContain('key.leaked');
    expect((await authenticate(told.apiKey)).status).toBe(200);
    await setOnLeak('revoke');
  });

  it('turns a leaked system key off through the tenant policy, which only an operator turns back on', async () => {
    const { apiKey } = await newTenant('leaks-system');
    await report({ apiKey, source: 'chat' });
    const policy = await getAdapters().store.tenants.get('leaks-system');
    expect(policy?.policy?.systemKey).toBe('disabled');
    expect((await authenticate(apiKey)).status).toBe(403);
  });

  it('refuses a body of the wrong shape with 400, without echoing the key', async () => {
    const { apiKey } = await createKey(systemKey, { name: 'shape' });
    for (const json of [{}, { apiKey, url: 'http://insecure.example.com' }, { apiKey, extra: 1 }, { apiKey, source: 'x'.repeat(201) }]) {
      const answer = await report(json);
      expect(answer.status).toBe(400);
      expect(answer.text).not.toContain(apiKey);
    }
    expect((await keyOf((await call('GET', '/v1/keys?search=shape', { headers: withKey(systemKey) })).body.items[0].id)).body.status).toBe(
      'active',
    );
  });

  it('limits reports per source address: 429 with Retry-After', async () => {
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await report({ apiKey: 'kw_nothing' }, '203.0.113.77')).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(202));
    const limited = await report({ apiKey: 'kw_nothing' }, '203.0.113.77');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
