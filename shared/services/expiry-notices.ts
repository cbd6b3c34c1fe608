import type { ChangeWriter, ExpiryNotice, KeyRepository, PageKey } from '../ports.ts';
import { WriteConflict } from '../ports.ts';
import { effectiveStatus } from '../domain/key-status.ts';
import { auditEvent, serviceActor } from './audit.ts';

const DAY_MS = 24 * 3600 * 1000;
const PAGE_SIZE = 100;
const NOTICE_ACTOR = serviceActor('keyward:expiry');

/**
 * Writes a `key.expiring` audit event (and so an event) for every key that expires within 7
 * days, and again within 1 day, each exactly once: a conditional write marks the notice on the
 * key in the same transaction. An expiring key sits in the purge index at its expiry plus the
 * retention, so the keys due for a notice are one range of that index: no scan.
 */
export async function noticeExpiringKeys(
  store: { keys: KeyRepository; changes: ChangeWriter },
  now: Date,
  options: { retentionDays: number; auditRetentionDays: number },
): Promise<{ read: number; noticed: number }> {
  const retentionMs = options.retentionDays * DAY_MS;
  const from = new Date(now.getTime() + retentionMs);
  const to = new Date(now.getTime() + retentionMs + 7 * DAY_MS);
  let read = 0;
  let noticed = 0;
  let startKey: PageKey | undefined;
  do {
    const page = await store.keys.listByPurgeTime(from, to, { limit: PAGE_SIZE, startKey });
    read += page.items.length;
    const outcomes = await Promise.all(
      page.items.map(async ({ keyId }) => {
        const key = await store.keys.get(keyId);
        if (!key?.expiresAt || effectiveStatus(key, now) === 'revoked' || effectiveStatus(key, now) === 'expired') return 0;
        const left = Date.parse(key.expiresAt) - now.getTime();
        // The most urgent notice not yet written; a key first seen within a day gets only that one.
        const notices: ExpiryNotice[] =
          left <= DAY_MS ? (key.expiryNotice1d ? [] : ['1d', '7d']) : key.expiryNotice7d || left > 7 * DAY_MS ? [] : ['7d'];
        if (notices.length === 0) return 0;
        const within = notices[0] === '1d' ? '1 day' : '7 days';
        const event = auditEvent(
          {
            tenant: key.tenant,
            action: 'key.expiring',
            keyId,
            actor: NOTICE_ACTOR,
            details: { expiresAt: key.expiresAt, within, name: key.name, ownerId: key.ownerId ?? null },
          },
          now,
          options.auditRetentionDays,
        );
        try {
          await store.changes.write([
            { kind: 'noticeExpiry', keyId, tenant: key.tenant, expiresAt: key.expiresAt, notices },
            { kind: 'audit', event },
          ]);
          return 1;
        } catch (error) {
          if (error instanceof WriteConflict) return 0;
          throw error;
        }
      }),
    );
    noticed += outcomes.reduce<number>((sum, n) => sum + n, 0);
    startKey = page.nextKey;
  } while (startKey);
  return { read, noticed };
}
