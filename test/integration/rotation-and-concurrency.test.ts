import { beforeAll, describe, expect, it } from 'vitest';
import { call, createKey, newTenant, tokenFor, withKey } from '../support/api.ts';
import { getAdapters } from '#shared/runtime.ts';
import { ageKey, justNow } from '../support/time-travel.ts';

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('rotation'));
});

const authenticate = (apiKey: string) => call('POST', '/v1/authentication', { json: { apiKey } });

describe('regenerate', () => {
  it('keeps the old secret working through the grace period, then refuses it', async () => {
    const { key, apiKey: old } = await createKey(admin);
    const regenerated = await call('POST', `/v1/keys/${key.id}/regenerate`, { headers: withKey(admin), json: { gracePeriodSeconds: 3600 } });
    expect(regenerated.status).toBe(200);
    expect((await authenticate(old)).status).toBe(200);
    expect((await authenticate(regenerated.body.apiKey)).status).toBe(200);

    // Move the end of the grace period into the past, as time would.
    await ageKey(key.id, { previousSecretValidUntil: justNow() });
    expect((await authenticate(old)).body.code).toBe('authentication.invalid_api_key');
    expect((await authenticate(regenerated.body.apiKey)).status).toBe(200);
  });

  it('without a grace period stops the old secret at once', async () => {
    const { key, apiKey: old } = await createKey(admin);
    await call('POST', `/v1/keys/${key.id}/regenerate`, { headers: withKey(admin) });
    expect((await authenticate(old)).body.code).toBe('authentication.invalid_api_key');
  });

  it('leaves exactly one valid new secret when regenerates race, and tells the losers', async () => {
    const { key } = await createKey(admin);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => call('POST', `/v1/keys/${key.id}/regenerate`, { headers: withKey(admin), json: {} })),
    );
    const winners = answers.filter((a) => a.status === 200);
    const losers = answers.filter((a) => a.status !== 200);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    for (const loser of losers) expect(loser.body.code).toBe('key.conflict');
    const valid = [];
    for (const winner of winners) if ((await authenticate(winner.body.apiKey)).status === 200) valid.push(winner);
    expect(valid).toHaveLength(1);
    // The survivor is the last successful write: its preview is the key's preview now.
    const now = await call('GET', `/v1/keys/${key.id}`, { headers: withKey(admin) });
    expect(now.body.preview).toBe(valid[0]!.body.key.preview);
  });

  it('refuses to regenerate a revoked key', async () => {
    const { key } = await createKey(admin);
    await call('POST', `/v1/keys/${key.id}/revoke`, { headers: withKey(admin), json: {} });
    const response = await call('POST', `/v1/keys/${key.id}/regenerate`, { headers: withKey(admin), json: {} });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('key.not_editable');
  });

  it('lets the system key be regenerated', async () => {
    const tenant = await newTenant('rotation-system');
    const response = await call('POST', `/v1/keys/${tenant.keyId}/regenerate`, { headers: withKey(tenant.apiKey), json: {} });
    expect(response.status).toBe(200);
    expect((await authenticate(response.body.apiKey)).status).toBe(200);
    expect((await authenticate(tenant.apiKey)).status).toBe(401);
  });
});

describe('live status checks', () => {
  it('refuses a token the moment its key is disabled or revoked', async () => {
    const { key, apiKey } = await createKey(admin);
    const token = await tokenFor(apiKey);
    const headers = { authorization: `Bearer ${token}` };
    expect((await call('GET', '/v1/keys', { headers })).status).toBe(200);
    await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(admin), json: { enabled: false } });
    expect((await call('GET', '/v1/keys', { headers })).body.code).toBe('authentication.key_disabled');
    await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(admin), json: { enabled: true } });
    expect((await call('GET', '/v1/keys', { headers })).status).toBe(200);
    await call('POST', `/v1/keys/${key.id}/revoke`, { headers: withKey(admin), json: {} });
    expect((await call('GET', '/v1/keys', { headers })).body.code).toBe('authentication.key_revoked');
  });

  it('treats a key as expired the moment expiresAt passes, before any purge', async () => {
    const { key, apiKey } = await createKey(admin, { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await authenticate(apiKey)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const refused = await authenticate(apiKey);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('authentication.key_expired');
    expect((await call('GET', `/v1/keys/${key.id}`, { headers: withKey(admin) })).body.status).toBe('expired');
    const toggled = await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(admin), json: { enabled: true } });
    expect(toggled.status).toBe(409);
    expect(toggled.body.code).toBe('key.not_editable');
  });

  it('records lastUsedAt on use, at most once per interval', async () => {
    const { key, apiKey } = await createKey(admin);
    await authenticate(apiKey);
    const first = (await call('GET', `/v1/keys/${key.id}`, { headers: withKey(admin) })).body.lastUsedAt;
    expect(first).not.toBeNull();
    await authenticate(apiKey);
    const second = (await call('GET', `/v1/keys/${key.id}`, { headers: withKey(admin) })).body.lastUsedAt;
    expect(second).toBe(first);
  });
});

describe('Idempotency-Key on create', () => {
  it('returns the first answer again for a repeat, without creating a second key', async () => {
    const headers = { ...withKey(admin), 'idempotency-key': 'create-report-bot-1' };
    const body = { name: 'report bot', type: 'viewer' };
    const first = await call('POST', '/v1/keys', { headers, json: body });
    const again = await call('POST', '/v1/keys', { headers, json: body });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const listed = await call('GET', '/v1/keys?search=report%20bot', { headers: withKey(admin) });
    expect(listed.body.items).toHaveLength(1);
  });

  it('refuses the same key with a different body', async () => {
    const headers = { ...withKey(admin), 'idempotency-key': 'create-report-bot-2' };
    await call('POST', '/v1/keys', { headers, json: { name: 'a', type: 'viewer' } });
    const other = await call('POST', '/v1/keys', { headers, json: { name: 'b', type: 'viewer' } });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('request.idempotency_mismatch');
  });

  it('lets a failed create be retried with the same key', async () => {
    const headers = { ...withKey(admin), 'idempotency-key': 'create-report-bot-3' };
    const failed = await call('POST', '/v1/keys', { headers, json: { name: 'c', type: 'viewer', expiresAt: '2000-01-01T00:00:00Z' } });
    expect(failed.status).toBe(400);
    const retried = await call('POST', '/v1/keys', { headers, json: { name: 'c', type: 'viewer', expiresAt: '2000-01-01T00:00:00Z' } });
    expect(retried.status).toBe(400);
    expect(retried.body.code).toBe('request.invalid');
  });

  it('keeps the replayed secret sealed in the table', async () => {
    const headers = { ...withKey(admin), 'idempotency-key': 'create-report-bot-4' };
    const first = await call('POST', '/v1/keys', { headers, json: { name: 'd', type: 'viewer' } });
    const { dynamoDb, config } = getAdapters();
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const dump = JSON.stringify(await dynamoDb.send(new ScanCommand({ TableName: config.tableName })));
    expect(dump).not.toContain(first.body.keySecret);
  });
});
