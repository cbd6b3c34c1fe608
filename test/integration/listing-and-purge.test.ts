import { describe, expect, it } from 'vitest';
import { call, createKey, newTenant, withKey } from '../support/api.ts';
import { getAdapters } from '#shared/runtime.ts';
import { purgeDueKeys } from '#shared/services/purge.ts';
import { handler as purgeHandler } from '#functions/purge-expired-keys.ts';
import { lambdaContext } from '#local/proxy-event.ts';
import { ageKey } from '../support/time-travel.ts';

const list = (query: string, apiKey: string) => call('GET', `/v1/keys${query}`, { headers: withKey(apiKey) });

describe('listing keys', () => {
  it('pages newest first with an opaque cursor until nextCursor is null', async () => {
    const tenant = await newTenant('paging');
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await createKey(tenant.apiKey, { name: `paged ${i}` })).key.id);
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const response = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, tenant.apiKey);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...response.body.items.map((k: { id: string }) => k.id));
      cursor = response.body.nextCursor;
      pages++;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...created.reverse(), tenant.keyId]);
  });

  it('searches names case-insensitively by substring', async () => {
    const { apiKey: admin } = await newTenant('searching');
    await createKey(admin, { name: 'Payments Gateway' });
    await createKey(admin, { name: 'Reporting' });
    const response = await list('?search=GATE', admin);
    expect(response.body.items.map((k: { name: string }) => k.name)).toEqual(['Payments Gateway']);
  });

  it('finds a key by its full key, its preview or its key id', async () => {
    const { apiKey: admin } = await newTenant('finding');
    const { key, apiKey } = await createKey(admin, { name: 'find me' });
    for (const term of [apiKey, key.preview as string, key.id]) {
      const response = await list(`?search=${encodeURIComponent(term)}`, admin);
      expect(
        response.body.items.map((k: { id: string }) => k.id),
        term === apiKey ? 'full key' : term,
      ).toEqual([key.id]);
      expect(response.body.nextCursor).toBeNull();
    }
  });

  it("never finds another tenant's key by searching for it", async () => {
    const { apiKey: admin } = await newTenant('listing');
    const other = await newTenant('listing-other');
    const { apiKey } = await createKey(other.apiKey, { name: 'foreign' });
    expect((await list(`?search=${apiKey}`, admin)).body.items).toEqual([]);
    expect((await list('?search=foreign', admin)).body.items).toEqual([]);
  });

  it('filters by type and status', async () => {
    const tenant = await newTenant('filtering');
    const viewer = await createKey(tenant.apiKey, { name: 'v', type: 'viewer' });
    const disabled = await createKey(tenant.apiKey, { name: 'd' });
    await call('PATCH', `/v1/keys/${disabled.key.id}`, { headers: withKey(tenant.apiKey), json: { enabled: false } });
    const revoked = await createKey(tenant.apiKey, { name: 'r' });
    await call('POST', `/v1/keys/${revoked.key.id}/revoke`, { headers: withKey(tenant.apiKey), json: {} });
    const expired = await createKey(tenant.apiKey, { name: 'e', expiresInDays: 1 });
    await ageKey(expired.key.id, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const ids = async (query: string) => {
      const response = await list(query, tenant.apiKey);
      expect(response.status, response.text).toBe(200);
      return response.body.items.map((k: { id: string }) => k.id);
    };
    expect(await ids('?type=viewer')).toEqual([viewer.key.id]);
    expect(await ids('?type=system')).toEqual([tenant.keyId]);
    expect(await ids('?status=disabled')).toEqual([disabled.key.id]);
    expect(await ids('?status=revoked')).toEqual([revoked.key.id]);
    expect(await ids('?status=expired')).toEqual([expired.key.id]);
    expect(await ids('?status=active')).toEqual([viewer.key.id, tenant.keyId]);
    expect(await ids('?status=active&type=viewer&search=v')).toEqual([viewer.key.id]);
  });
});

describe('purge', () => {
  it('removes revoked and expired keys after retention, with an audit event each, and keeps the rest', async () => {
    const tenant = await newTenant('purging');
    const revoked = await createKey(tenant.apiKey, { name: 'old revoked' });
    await call('POST', `/v1/keys/${revoked.key.id}/revoke`, { headers: withKey(tenant.apiKey), json: {} });
    const expired = await createKey(tenant.apiKey, { name: 'old expired', expiresInDays: 1 });
    const recent = await createKey(tenant.apiKey, { name: 'recently revoked' });
    await call('POST', `/v1/keys/${recent.key.id}/revoke`, { headers: withKey(tenant.apiKey), json: {} });
    const active = await createKey(tenant.apiKey, { name: 'active' });
    const past = new Date(Date.now() - 1000).toISOString();
    await ageKey(revoked.key.id, { purgeAt: past });
    await ageKey(expired.key.id, { expiresAt: past, purgeAt: past });

    const result = await purgeDueKeys(getAdapters().store, new Date(), { auditRetentionDays: 90 });
    expect(result.purged).toBeGreaterThanOrEqual(2);
    const { store } = getAdapters();
    expect(await store.keys.get(revoked.key.id)).toBeUndefined();
    expect(await store.keys.get(expired.key.id)).toBeUndefined();
    expect(await store.keys.get(recent.key.id)).toBeDefined();
    expect(await store.keys.get(active.key.id)).toBeDefined();

    const audit = await call('GET', `/v1/audit?keyId=${revoked.key.id}`, { headers: withKey(tenant.apiKey) });
    expect(audit.body.items[0]).toMatchObject({ action: 'key.purge', actor: 'keyward:purge', outcome: 'success' });
    expect((await purgeDueKeys(store, new Date(), { auditRetentionDays: 90 })).purged).toBe(0);
  });

  it('reads the purge index only: nothing that is not due', async () => {
    const tenant = await newTenant('purge-reads');
    const { store } = getAdapters();
    await purgeDueKeys(store, new Date(), { auditRetentionDays: 90 });
    for (let i = 0; i < 3; i++) {
      const { key } = await createKey(tenant.apiKey, { expiresInDays: 1 });
      if (i === 0)
        await ageKey(key.id, { expiresAt: new Date(Date.now() - 1000).toISOString(), purgeAt: new Date(Date.now() - 1000).toISOString() });
    }
    expect(await purgeDueKeys(store, new Date(), { auditRetentionDays: 90 })).toEqual({ read: 1, purged: 1 });
  });

  it('runs as a scheduled function', async () => {
    const tenant = await newTenant('purge-scheduled');
    // Nothing left due by other tests: then one key of this test's own is due.
    const { store } = getAdapters();
    await purgeDueKeys(store, new Date(), { auditRetentionDays: 90 });
    const { key } = await createKey(tenant.apiKey, { expiresInDays: 1 });
    await ageKey(key.id, { expiresAt: new Date(Date.now() - 1000).toISOString(), purgeAt: new Date(Date.now() - 1000).toISOString() });
    const result = await purgeHandler({}, lambdaContext('purge-expired-keys'));
    expect(result).toEqual({ read: 1, purged: 1 });
    expect(await store.keys.get(key.id)).toBeUndefined();
  });
});
