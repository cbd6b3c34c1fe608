import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAdapters } from '#shared/runtime.ts';
import { WriteConflict } from '#shared/ports.ts';
import { noticeExpiringKeys } from '#shared/services/expiry-notices.ts';
import { call, createKey, newTenant, withKey } from '../support/api.ts';

const DAY_MS = 24 * 3600 * 1000;

/** What one run of the schedule does: how many keys it read in the window, and how many notices it wrote. */
describe('an expiry-notice run', () => {
  let admin: string;
  // The run's clock, a little ahead so that keys can be created to expire exactly at it.
  const now = new Date(Date.now() + 60_000);
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const options = () => ({
    retentionDays: getAdapters().config.retentionDays,
    auditRetentionDays: getAdapters().config.auditRetentionDays,
  });

  beforeAll(async () => {
    admin = (await newTenant('expiry-notice-runs')).apiKey;
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  const expiringNotices = async (keyId: string) =>
    ((await call('GET', `/v1/audit?keyId=${keyId}`, { headers: withKey(admin) })).body.items as { action: string }[]).filter(
      (event) => event.action === 'key.expiring',
    );

  it('reads every key of the window across pages and notices each once', async () => {
    const { store } = getAdapters();
    const runAt = new Date(now.getTime() + 30 * DAY_MS);
    const expiresAt = new Date(runAt.getTime() + 3 * DAY_MS).toISOString();
    // More keys than one page of the purge index holds.
    const ids: string[] = [];
    for (let i = 0; i < 110; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => createKey(admin, { name: `paged ${i + j}`, expiresAt })));
      ids.push(...batch.map((created) => created.key.id));
    }
    expect(await noticeExpiringKeys(store, runAt, options())).toEqual({ read: 110, noticed: 110 });
    expect(await expiringNotices(ids[109]!)).toHaveLength(1);
    // Read again, noticed already.
    expect(await noticeExpiringKeys(store, runAt, options())).toEqual({ read: 110, noticed: 0 });
  });

  it('counts a key whose expiry has come as read, and writes it no notice', async () => {
    const { store } = getAdapters();
    const runAt = new Date(now.getTime() + 60 * DAY_MS);
    const { key } = await createKey(admin, { name: 'expires at the run', expiresAt: runAt.toISOString() });
    expect(await noticeExpiringKeys(store, runAt, options())).toEqual({ read: 1, noticed: 0 });
    expect(await expiringNotices(key.id)).toEqual([]);
  });

  it('counts a key revoked after the run began as read, and writes it no notice', async () => {
    const { store } = getAdapters();
    // Revoking brings the purge time forward to the revocation plus the retention, so a revoked
    // key is in the window only of a run whose clock is older than the revocation.
    const runAt = new Date();
    const { key } = await createKey(admin, {
      name: 'revoked during the run',
      expiresAt: new Date(runAt.getTime() + 3 * DAY_MS).toISOString(),
    });
    expect((await call('POST', `/v1/keys/${key.id}/revoke`, { headers: withKey(admin), json: {} })).status).toBe(200);
    expect(await noticeExpiringKeys(store, runAt, options())).toEqual({ read: 1, noticed: 0 });
    expect(await expiringNotices(key.id)).toEqual([]);
  });

  it('leaves a notice that another run wrote meanwhile to that run, and stops on any other failure', async () => {
    const { store } = getAdapters();
    const runAt = new Date(now.getTime() + 120 * DAY_MS);
    const { key } = await createKey(admin, { name: 'raced', expiresAt: at(122 * DAY_MS) });
    const write = vi.spyOn(store.changes, 'write').mockRejectedValueOnce(new WriteConflict('noticeExpiry'));
    expect(await noticeExpiringKeys(store, runAt, options())).toEqual({ read: 1, noticed: 0 });
    expect(await expiringNotices(key.id)).toEqual([]);

    write.mockRejectedValueOnce(new Error('the table is gone'));
    await expect(noticeExpiringKeys(store, runAt, options())).rejects.toThrow('the table is gone');
    expect(await expiringNotices(key.id)).toEqual([]);

    expect(await noticeExpiringKeys(store, runAt, options())).toEqual({ read: 1, noticed: 1 });
    expect(await expiringNotices(key.id)).toHaveLength(1);
  });
});
