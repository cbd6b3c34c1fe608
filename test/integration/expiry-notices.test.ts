import { beforeAll, describe, expect, it } from 'vitest';
import { getAdapters } from '#shared/runtime.ts';
import { noticeExpiringKeys } from '#shared/services/expiry-notices.ts';
import { call, createKey, newTenant, withKey } from '../support/api.ts';

const DAY_MS = 24 * 3600 * 1000;

interface Notice {
  actor: string;
  details: { within: string; expiresAt: string; name: string; ownerId: string | null };
}

describe('expiry notices at their boundaries', () => {
  let admin: string;
  // The run's clock: every key below expires at an exact distance from it.
  const now = new Date(Date.now() + 60_000);
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();

  beforeAll(async () => {
    admin = (await newTenant('expiry-notices')).apiKey;
  });

  const noticesOf = async (keyId: string): Promise<Notice[]> =>
    ((await call('GET', `/v1/audit?keyId=${keyId}`, { headers: withKey(admin) })).body.items as (Notice & { action: string })[]).filter(
      (event) => event.action === 'key.expiring',
    );

  it('notice a week ahead from exactly 7 days, a day ahead from exactly 1 day, and a disabled key too', async () => {
    const { store, config } = getAdapters();
    const options = { retentionDays: config.retentionDays, auditRetentionDays: config.auditRetentionDays };
    const create = async (name: string, expiresAt: string, extra: Record<string, unknown> = {}) =>
      (await createKey(admin, { name, expiresAt, ...extra })).key.id;
    const keys = {
      weekAhead: await create('seven days', at(7 * DAY_MS), { ownerId: 'customer-42' }),
      beyondAWeek: await create('seven days and a moment', at(7 * DAY_MS + 1)),
      dayAhead: await create('one day', at(DAY_MS)),
      beyondADay: await create('one day and a moment', at(DAY_MS + 1)),
      disabled: await create('disabled', at(3 * DAY_MS)),
    };
    expect((await call('PATCH', `/v1/keys/${keys.disabled}`, { headers: withKey(admin), json: { enabled: false } })).status).toBe(200);

    await noticeExpiringKeys(store, now, options);
    const within = async (keyId: string) => (await noticesOf(keyId)).map((notice) => notice.details.within);
    expect(await within(keys.weekAhead)).toEqual(['7 days']);
    expect(await within(keys.beyondAWeek)).toEqual([]);
    // A key first seen within a day gets the one-day notice only, and is marked for both.
    expect(await within(keys.dayAhead)).toEqual(['1 day']);
    expect(await within(keys.beyondADay)).toEqual(['7 days']);
    // A disabled key can be enabled again before it expires: its holder still wants to know.
    expect(await within(keys.disabled)).toEqual(['7 days']);

    const [notice] = await noticesOf(keys.weekAhead);
    expect(notice).toMatchObject({
      actor: 'keyward:expiry',
      details: { within: '7 days', expiresAt: at(7 * DAY_MS), name: 'seven days', ownerId: 'customer-42' },
    });
    expect((await noticesOf(keys.beyondADay))[0]?.details.ownerId).toBeNull();

    // The same run again writes nothing more; a day later the week-ahead key gets its one-day notice.
    await noticeExpiringKeys(store, now, options);
    expect(await within(keys.weekAhead)).toEqual(['7 days']);
    expect(await within(keys.dayAhead)).toEqual(['1 day']);
    await noticeExpiringKeys(store, new Date(now.getTime() + 6 * DAY_MS), options);
    expect(await within(keys.weekAhead)).toEqual(['1 day', '7 days']);
    expect(await within(keys.dayAhead)).toEqual(['1 day']);
  });
});
