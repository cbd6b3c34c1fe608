import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAdapters } from '#shared/runtime.ts';
import { WriteConflict } from '#shared/ports.ts';
import { call, createKey, errorOf, newTenant, withKey } from '../support/api.ts';
import { ageKey, justNow } from '../support/time-travel.ts';

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('key-service-rules'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

const CONFLICT = 'The key was changed by another request at the same moment: fetch it again and retry if your change still applies.';
const as = (apiKey: string) => ({ headers: withKey(apiKey) });
const systemKeyId = async () => (await call('GET', '/v1/whoami', as(admin))).body.key.id as string;

describe('refusals say what happened and what to do', () => {
  it('a change or a delete that loses a race to another write', async () => {
    const { key } = await createKey(admin);
    const { store } = getAdapters();
    vi.spyOn(store.changes, 'write').mockRejectedValueOnce(new WriteConflict('updateKey'));
    expect(errorOf(await call('PATCH', `/v1/keys/${key.id}`, { ...as(admin), json: { name: 'renamed' } }))).toEqual([
      409,
      'key.conflict',
      CONFLICT,
    ]);
    vi.spyOn(store.changes, 'write').mockRejectedValueOnce(new WriteConflict('deleteKey'));
    expect(errorOf(await call('DELETE', `/v1/keys/${key.id}`, as(admin)))).toEqual([409, 'key.conflict', CONFLICT]);
    expect((await call('GET', `/v1/keys/${key.id}`, as(admin))).body.name).toBe('test key');
  });

  it('a delete that fails for another reason is no conflict, and deletes nothing', async () => {
    const { key } = await createKey(admin);
    vi.spyOn(getAdapters().store.changes, 'write').mockRejectedValueOnce(new Error('the table is gone'));
    expect((await call('DELETE', `/v1/keys/${key.id}`, as(admin))).body.code).toBe('internal.error');
    expect((await call('GET', `/v1/keys/${key.id}`, as(admin))).status).toBe(200);
  });

  it('the system key cannot be disabled, revoked or deleted', async () => {
    const id = await systemKeyId();
    const protectedAs = (what: string) => [
      403,
      'key.protected',
      `The system key is protected: it cannot be ${what}. It can be regenerated.`,
    ];
    const disabled = await call('PATCH', `/v1/keys/${id}`, { ...as(admin), json: { enabled: false } });
    expect(errorOf(disabled)).toEqual(protectedAs('disabled'));
    expect(errorOf(await call('POST', `/v1/keys/${id}/revoke`, { ...as(admin), json: {} }))).toEqual(protectedAs('revoked'));
    expect(errorOf(await call('DELETE', `/v1/keys/${id}`, as(admin)))).toEqual(protectedAs('deleted'));
  });

  it('a revoked key cannot be revoked again', async () => {
    const { key } = await createKey(admin);
    expect((await call('POST', `/v1/keys/${key.id}/revoke`, { ...as(admin), json: {} })).status).toBe(200);
    expect(errorOf(await call('POST', `/v1/keys/${key.id}/revoke`, { ...as(admin), json: {} }))).toEqual([
      409,
      'key.not_editable',
      'The key is already revoked.',
    ]);
  });

  it('an expired key cannot be enabled, disabled or regenerated', async () => {
    const { key } = await createKey(admin, { expiresInDays: 1 });
    await ageKey(key.id, { expiresAt: justNow() });
    expect(errorOf(await call('PATCH', `/v1/keys/${key.id}`, { ...as(admin), json: { enabled: false } }))).toEqual([
      409,
      'key.not_editable',
      'The key is expired: it can no longer be enabled or disabled.',
    ]);
    expect(errorOf(await call('POST', `/v1/keys/${key.id}/regenerate`, { ...as(admin), json: {} }))).toEqual([
      409,
      'key.not_editable',
      'The key is expired: create a new key instead of regenerating this one.',
    ]);
  });

  it('a secret that is not kept cannot be revealed, and the answer says why', async () => {
    const recoverable = await createKey(admin, { recoverable: true });
    expect((await call('POST', `/v1/keys/${recoverable.key.id}/revoke`, { ...as(admin), json: {} })).status).toBe(200);
    expect(errorOf(await call('GET', `/v1/keys/${recoverable.key.id}/secret`, as(admin)))).toEqual([
      409,
      'key.not_recoverable',
      'The key is revoked, so its secret is no longer kept.',
    ]);
    const plain = await createKey(admin);
    expect(errorOf(await call('GET', `/v1/keys/${plain.key.id}/secret`, as(admin)))).toEqual([
      409,
      'key.not_recoverable',
      'The key was not created as recoverable, so its secret was never kept: regenerate it to get a new one.',
    ]);
  });
});

describe('expiry of a new key', () => {
  const refusedWith = (message: string) => [400, 'request.invalid', `The body is not valid: ${message}.`];

  it('must be in the future and within 3650 days', async () => {
    const past = await call('POST', '/v1/keys', { ...as(admin), json: { name: 'past', type: 'viewer', expiresAt: justNow() } });
    expect(errorOf(past)).toEqual(refusedWith('must be in the future'));
    expect(past.body.details).toEqual([{ path: 'expiresAt', message: 'must be in the future' }]);
    const tooLate = new Date(Date.now() + 3651 * 24 * 3600 * 1000).toISOString();
    const late = await call('POST', '/v1/keys', { ...as(admin), json: { name: 'late', type: 'viewer', expiresAt: tooLate } });
    expect(errorOf(late)).toEqual(refusedWith('must be within 3650 days'));
  });

  it('cannot come after the expiry of the key that creates it, and may come exactly then', async () => {
    const creator = await createKey(admin, { expiresInDays: 10 });
    const creatorExpiry = creator.key.expiresAt as string;
    const create = (expiresAt: string) =>
      call('POST', '/v1/keys', { headers: withKey(creator.apiKey), json: { name: 'child', type: 'viewer', expiresAt } });
    expect((await create(creatorExpiry)).status).toBe(201);
    const later = await create(new Date(Date.parse(creatorExpiry) + 1).toISOString());
    expect(errorOf(later)).toEqual(
      refusedWith(
        `your own key expires at ${creatorExpiry}, and a key cannot outlive the key that creates it: send expiresAt (or expiresInDays) no later than that`,
      ),
    );
  });
});

describe('create, change and regenerate', () => {
  it('record what a create made in its audit event, and an empty description when none was sent', async () => {
    const { key } = await createKey(admin, { name: 'audited', type: 'viewer', scopes: ['reports:read'] });
    expect(key.description).toBe('');
    const events = (await call('GET', `/v1/audit?keyId=${key.id}`, as(admin))).body.items as { action: string; details: unknown }[];
    expect(events.find((event) => event.action === 'key.create')?.details).toEqual({
      name: 'audited',
      type: 'viewer',
      scopes: ['reports:read'],
      expiresAt: null,
    });
  });

  it('keep every field a change does not name', async () => {
    const { key } = await createKey(admin, {
      name: 'kept',
      ownerId: 'owner-7',
      rateLimit: { limit: 10, windowSeconds: 60 },
      credits: { remaining: 5 },
      allowedIps: ['10.0.0.0/8'],
    });
    const changed = await call('PATCH', `/v1/keys/${key.id}`, { ...as(admin), json: { description: 'only this' } });
    expect(changed.status).toBe(200);
    for (const view of [changed.body, (await call('GET', `/v1/keys/${key.id}`, as(admin))).body]) {
      expect(view).toMatchObject({
        name: 'kept',
        description: 'only this',
        ownerId: 'owner-7',
        rateLimit: { limit: 10, windowSeconds: 60 },
        credits: { remaining: 5 },
        allowedIps: ['10.0.0.0/8'],
      });
    }
  });

  it('keep no old secret when a regenerate gives no grace period, and audit the grace asked for', async () => {
    const { key, apiKey: old } = await createKey(admin);
    const regenerated = await call('POST', `/v1/keys/${key.id}/regenerate`, { ...as(admin), json: { gracePeriodSeconds: 0 } });
    expect(regenerated.status).toBe(200);
    const record = await getAdapters().store.keys.get(key.id);
    expect(record?.previousSecretHash).toBeUndefined();
    expect(record?.previousSecretValidUntil).toBeUndefined();
    expect((await call('POST', '/v1/authentication', { json: { apiKey: old } })).body.code).toBe('authentication.invalid_api_key');
    const events = (await call('GET', `/v1/audit?keyId=${key.id}`, as(admin))).body.items as { action: string; details: unknown }[];
    expect(events.find((event) => event.action === 'key.regenerate')?.details).toEqual({ gracePeriodSeconds: 0 });
  });

  it('keep the earlier purge time when a key already due for purge is revoked', async () => {
    const { key } = await createKey(admin, { expiresInDays: 1 });
    const purgeAt = new Date(Date.now() + 3600_000).toISOString();
    await ageKey(key.id, { expiresAt: justNow(), purgeAt });
    expect((await call('POST', `/v1/keys/${key.id}/revoke`, { ...as(admin), json: {} })).status).toBe(200);
    expect((await getAdapters().store.keys.get(key.id))?.purgeAt).toBe(purgeAt);
  });
});

describe('an idempotent create replayed', () => {
  const createOnce = (idempotencyKey: string) =>
    call('POST', '/v1/keys', { headers: { ...withKey(admin), 'idempotency-key': idempotencyKey }, json: { name: 'once', type: 'viewer' } });

  it('after its key was deleted says so', async () => {
    const first = await createOnce('replay-deleted');
    expect((await call('DELETE', `/v1/keys/${first.body.key.id}`, as(admin))).status).toBe(204);
    expect(errorOf(await createOnce('replay-deleted'))).toEqual([
      404,
      'key.not_found',
      `The key '${first.body.key.id}' created by the first request with this Idempotency-Key has since been deleted.`,
    ]);
  });

  it('after its key was regenerated says the first secret no longer works', async () => {
    const first = await createOnce('replay-regenerated');
    const id = first.body.key.id;
    expect((await call('POST', `/v1/keys/${id}/regenerate`, { ...as(admin), json: {} })).status).toBe(200);
    expect(errorOf(await createOnce('replay-regenerated'))).toEqual([
      409,
      'request.idempotency_stale',
      `The key '${id}' created by the first request with this Idempotency-Key was regenerated since, so the secret of the first answer no longer works: fetch the key with GET /v1/keys/${id}.`,
    ]);
  });
});

describe('listing', () => {
  const list = (query: string) => call('GET', `/v1/keys?${query}`, as(admin));

  it('refuses a cursor on a listing with other filters than the one it came from', async () => {
    const { apiKey: own } = await newTenant('key-service-cursors');
    for (let i = 0; i < 3; i++) await createKey(own, { name: `cursor ${i}`, ownerId: 'cursor-owner' });
    const listOwn = (query: string) => call('GET', `/v1/keys?${query}`, { headers: withKey(own) });
    for (const filter of ['status=active', 'ownerId=cursor-owner', 'search=cursor']) {
      const first = await listOwn(`limit=1&${filter}`);
      const cursor = encodeURIComponent(first.body.nextCursor);
      expect(first.body.nextCursor, filter).toEqual(expect.any(String));
      expect((await listOwn(`limit=1&${filter}&cursor=${cursor}`)).status, filter).toBe(200);
      expect((await listOwn(`limit=1&cursor=${cursor}`)).body.code, filter).toBe('request.invalid_cursor');
    }
  });

  it('finds a key by its id or its full API key, only when it also passes the filters', async () => {
    const { key, apiKey } = await createKey(admin, { name: 'found by id', type: 'viewer', ownerId: 'finder' });
    const ids = async (query: string) => ((await list(query)).body.items as { id: string }[]).map((item) => item.id);
    expect(await ids(`search=${key.id}`)).toEqual([key.id]);
    expect(await ids(`search=${encodeURIComponent(apiKey)}`)).toEqual([key.id]);
    expect(await ids(`search=${key.id}&type=viewer&status=active&ownerId=finder`)).toEqual([key.id]);
    expect(await ids(`search=${key.id}&type=privileged`)).toEqual([]);
    expect(await ids(`search=${key.id}&status=disabled`)).toEqual([]);
    expect(await ids(`search=${key.id}&ownerId=someone-else`)).toEqual([]);
  });

  it('searches names for a bare key id that names no key', async () => {
    const { key } = await createKey(admin);
    expect((await call('DELETE', `/v1/keys/${key.id}`, as(admin))).status).toBe(204);
    const named = await createKey(admin, { name: `replaces ${key.id}` });
    expect(((await list(`search=${key.id}`)).body.items as { id: string }[]).map((item) => item.id)).toEqual([named.key.id]);
  });
});

describe('revoke-all when keys change while it runs', () => {
  it('revokes the keys still due one by one, and skips those revoked or deleted meanwhile', async () => {
    const { apiKey: own } = await newTenant('key-service-revoke-all');
    const names = ['untouched', 'revoked meanwhile', 'deleted meanwhile', 'renamed meanwhile', 'disabled meanwhile'] as const;
    const keys = Object.fromEntries(
      await Promise.all(names.map(async (name) => [name, (await createKey(own, { name })).key.id])),
    ) as Record<(typeof names)[number], string>;
    const { store } = getAdapters();
    const list = store.keys.list.bind(store.keys);
    // After the listing, and before its transaction: other requests change three of the keys.
    vi.spyOn(store.keys, 'list').mockImplementationOnce(async (...args) => {
      const page = await list(...args);
      const headers = withKey(own);
      await call('POST', `/v1/keys/${keys['revoked meanwhile']}/revoke`, { headers, json: {} });
      await call('DELETE', `/v1/keys/${keys['deleted meanwhile']}`, { headers });
      await call('PATCH', `/v1/keys/${keys['renamed meanwhile']}`, { headers, json: { name: 'renamed' } });
      await call('PATCH', `/v1/keys/${keys['disabled meanwhile']}`, { headers, json: { enabled: false } });
      return page;
    });
    const answer = await call('POST', '/v1/keys/revoke-all', { headers: withKey(own), json: { reason: 'leak' } });
    expect(answer.status).toBe(200);
    expect(answer.body.revoked).toBe(3);
    for (const name of ['untouched', 'renamed meanwhile', 'disabled meanwhile'] as const) {
      const record = await store.keys.get(keys[name]);
      expect([name, record?.status, record?.revokeReason]).toEqual([name, 'revoked', 'leak']);
    }
    expect((await store.keys.get(keys['revoked meanwhile']))?.revokeReason).toBeUndefined();
    expect(await store.keys.get(keys['deleted meanwhile'])).toBeUndefined();
    expect((await call('GET', '/v1/whoami', { headers: withKey(own) })).status).toBe(200);
  });

  it('does not count a key that changes again before its own write, and stops on any other failure', async () => {
    const { apiKey: own } = await newTenant('key-service-revoke-all-2');
    const first = await createKey(own, { name: 'conflicts twice' });
    const second = await createKey(own, { name: 'fails' });
    const { store } = getAdapters();
    const write = vi
      .spyOn(store.changes, 'write')
      .mockRejectedValueOnce(new WriteConflict('updateKey'))
      .mockRejectedValueOnce(new WriteConflict('updateKey'));
    const answer = await call('POST', '/v1/keys/revoke-all', { headers: withKey(own), json: { reason: 'races' } });
    expect([answer.status, answer.body.revoked]).toEqual([200, 1]);
    expect((await store.keys.get(first.key.id))?.status).toBe('active');
    expect((await store.keys.get(second.key.id))?.status).toBe('revoked');

    const third = await createKey(own, { name: 'third' });
    write.mockRejectedValueOnce(new WriteConflict('updateKey')).mockRejectedValueOnce(new Error('the table is gone'));
    const failed = await call('POST', '/v1/keys/revoke-all', { headers: withKey(own), json: { reason: 'fails' } });
    expect(failed.status).toBe(500);
    expect((await store.keys.get(third.key.id))?.status).toBe('active');
  });
});
