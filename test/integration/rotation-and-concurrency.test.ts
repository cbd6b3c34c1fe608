import { beforeAll, describe, expect, it, vi } from 'vitest';
import { call, createKey, newTenant, tokenFor, withKey } from '../support/api.ts';
import { getAdapters } from '#shared/runtime.ts';
import { WriteConflict } from '#shared/ports.ts';
import { ageKey, justNow } from '../support/time-travel.ts';

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('rotation'));
});

const authenticate = (apiKey: string) => call('POST', '/v1/authentication', { json: { apiKey } });

describe('regenerate', () => {
  it('keeps the old secret working through the grace period, then refuses it', async () => {
    const { key, apiKey: old } = await createKey(admin);
    const regenerated = await call('POST', `/v1/keys/${key.id}/regenerate`, {
      headers: withKey(admin),
      json: { gracePeriodSeconds: 3600 },
    });
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
    const { store } = getAdapters();
    const racers = 6;
    // Every regenerate reads the key before any of them writes; then they write one after
    // another, so a write that checked a fresher version than it read would also succeed.
    const get = store.keys.get.bind(store.keys);
    const reads: Promise<unknown>[] = [];
    let allRead!: (reads: Promise<unknown>) => void;
    const everyoneHasRead = new Promise((resolve) => (allRead = resolve));
    let turn = Promise.resolve();
    const turns: (() => void)[] = [];
    const getSpy = vi.spyOn(store.keys, 'get').mockImplementation(async (keyId) => {
      if (keyId !== key.id || reads.length >= racers) return get(keyId);
      const read = get(keyId);
      reads.push(read);
      if (reads.length === racers) allRead(Promise.all(reads));
      const mine = turn.then(() => everyoneHasRead);
      turn = new Promise<void>((release) => turns.push(release));
      const record = await read;
      await mine;
      return record;
    });
    const write = store.changes.write.bind(store.changes);
    const writeSpy = vi.spyOn(store.changes, 'write').mockImplementation(async (ops) => {
      const racing = ops.some((op) => op.kind === 'updateKey' && op.keyId === key.id);
      try {
        return await write(ops);
      } finally {
        if (racing) turns.shift()?.();
      }
    });
    let answers: Awaited<ReturnType<typeof call<any>>>[];
    try {
      answers = await Promise.all(
        Array.from({ length: racers }, () => call('POST', `/v1/keys/${key.id}/regenerate`, { headers: withKey(admin), json: {} })),
      );
    } finally {
      getSpy.mockRestore();
      writeSpy.mockRestore();
    }
    expect(reads).toHaveLength(racers);
    const winners = answers.filter((a) => a.status === 200);
    const losers = answers.filter((a) => a.status !== 200);
    expect(winners).toHaveLength(1);
    for (const loser of losers) {
      expect(loser.status).toBe(409);
      expect(loser.body.code).toBe('key.conflict');
    }
    expect((await authenticate(winners[0]!.body.apiKey)).status).toBe(200);
    const now = await call('GET', `/v1/keys/${key.id}`, { headers: withKey(admin) });
    expect(now.body.preview).toBe(winners[0]!.body.key.preview);
  });

  it('refuses a key update written against a version that has moved on', async () => {
    const { key } = await createKey(admin);
    const { store } = getAdapters();
    const stale = (await store.keys.get(key.id))!;
    await ageKey(key.id, { name: 'moved on' });
    await expect(
      store.changes.write([
        { kind: 'updateKey', keyId: key.id, tenant: stale.tenant, expectedVersion: stale.version, changes: { name: 'stale' } },
      ]),
    ).rejects.toBeInstanceOf(WriteConflict);
    expect((await store.keys.get(key.id))!.name).toBe('moved on');
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
    const { key, apiKey } = await createKey(admin, { expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    expect((await authenticate(apiKey)).status).toBe(200);
    // Move the expiry into the past, as time would.
    await ageKey(key.id, { expiresAt: justNow() });
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

  it('does not move lastUsedAt when the stored one is within the interval, even if the caller read an older one', async () => {
    const { key } = await createKey(admin);
    const { store } = getAdapters();
    const at = (minutes: number) => new Date(Date.UTC(2030, 0, 1, 0, minutes)).toISOString();
    await store.keys.touchLastUsed(key.id, at(0), at(-60));
    expect((await store.keys.get(key.id))!.lastUsedAt).toBe(at(0));
    // A second use within the interval (since = one minute before the stored use): no write.
    await store.keys.touchLastUsed(key.id, at(5), at(-1));
    expect((await store.keys.get(key.id))!.lastUsedAt).toBe(at(0));
    // Once the stored use is older than the interval, the next use is recorded.
    await store.keys.touchLastUsed(key.id, at(10), at(1));
    expect((await store.keys.get(key.id))!.lastUsedAt).toBe(at(10));
  });
});

describe('Idempotency-Key on create', () => {
  it('returns the first answer again for a repeat, without creating a second key', async () => {
    // A tenant of its own: the listing below counts only this test's keys.
    const { apiKey: own } = await newTenant('rotation-idempotent');
    const headers = { ...withKey(own), 'idempotency-key': 'create-report-bot-1' };
    const body = { name: 'report bot', type: 'viewer' };
    const first = await call('POST', '/v1/keys', { headers, json: body });
    const again = await call('POST', '/v1/keys', { headers, json: body });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const listed = await call('GET', '/v1/keys?search=report%20bot', { headers: withKey(own) });
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
