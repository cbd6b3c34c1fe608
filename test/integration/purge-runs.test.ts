import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WriteConflict } from '#shared/ports.ts';
import { getAdapters } from '#shared/runtime.ts';
import { purgeDueKeys } from '#shared/services/purge.ts';
import { call, createKey, newTenant, withKey } from '../support/api.ts';
import { ageKey } from '../support/time-travel.ts';

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('purge-runs'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** `count` keys of this file's tenant whose retention ended at `purgeAt`. */
async function dueKeys(count: number, purgeAt: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, async () => {
        const { key } = await createKey(admin, { expiresInDays: 1 });
        await ageKey(key.id, { expiresAt: purgeAt, purgeAt });
        return key.id;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

// Each test purges everything due before it starts, so it counts only its own keys.
const purge = (maxKeys?: number) =>
  purgeDueKeys(getAdapters().store, new Date(), { auditRetentionDays: 90, ...(maxKeys !== undefined ? { maxKeys } : {}) });

describe('a purge run', () => {
  it('stops at its most keys, across pages, and leaves the rest to the next run', async () => {
    await purge();
    await dueKeys(130, new Date(Date.now() - 1000).toISOString());
    expect(await purge(120)).toEqual({ read: 120, purged: 120 });
    expect(await purge(120)).toEqual({ read: 10, purged: 10 });
  });

  it('audits each purge with the time it was due', async () => {
    await purge();
    const purgeAt = new Date(Date.now() - 5000).toISOString();
    const [keyId] = await dueKeys(1, purgeAt);
    expect(await purge()).toEqual({ read: 1, purged: 1 });
    const [event] = (await call('GET', `/v1/audit?keyId=${keyId}`, { headers: withKey(admin) })).body.items;
    expect(event).toMatchObject({ action: 'key.purge', actor: 'keyward:purge', details: { purgeAt } });
  });

  it('skips a key changed since it was listed, and stops on any other failure', async () => {
    await purge();
    const [keyId] = await dueKeys(1, new Date(Date.now() - 1000).toISOString());
    const write = vi.spyOn(getAdapters().store.changes, 'write').mockRejectedValueOnce(new WriteConflict('purgeKey'));
    expect(await purge()).toEqual({ read: 1, purged: 0 });
    write.mockRejectedValueOnce(new Error('the table is gone'));
    await expect(purge()).rejects.toThrow('the table is gone');
    expect(await getAdapters().store.keys.get(keyId!)).toBeDefined();
    expect(await purge()).toEqual({ read: 1, purged: 1 });
    expect(await getAdapters().store.keys.get(keyId!)).toBeUndefined();
  });
});
