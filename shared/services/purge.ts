import type { ChangeWriter, KeyRepository, PageKey } from '../ports.ts';
import { WriteConflict } from '../ports.ts';
import { auditEvent, serviceActor } from './audit.ts';

const PAGE_SIZE = 100;
const PURGE_ACTOR = serviceActor('keyward:purge');

export interface PurgeResult {
  /** Index entries read; equals `purged` plus entries that vanished or changed meanwhile. */
  read: number;
  purged: number;
}

/**
 * Deletes keys whose retention after expiry or revocation has passed, each together with
 * its `key.purge` audit event. Reads only the sparse purge index, page by page, up to
 * `maxKeys` per run so a backlog is worked off over several runs.
 */
export async function purgeDueKeys(
  store: { keys: KeyRepository; changes: ChangeWriter },
  now: Date,
  options: { auditRetentionDays: number; maxKeys?: number },
): Promise<PurgeResult> {
  const maxKeys = options.maxKeys ?? 5000;
  const dueBy = now.toISOString();
  let read = 0;
  let purged = 0;
  let startKey: PageKey | undefined;
  do {
    const page = await store.keys.listPurgeDue(now, { limit: Math.min(PAGE_SIZE, maxKeys - read), startKey });
    read += page.items.length;
    const outcomes = await Promise.all(
      page.items.map(async ({ keyId, tenant, purgeAt }) => {
        const event = auditEvent(
          { tenant, action: 'key.purge', keyId, actor: PURGE_ACTOR, details: { purgeAt } },
          now,
          options.auditRetentionDays,
        );
        try {
          await store.changes.write([
            { kind: 'purgeKey', keyId, tenant, dueBy },
            { kind: 'audit', event },
          ]);
          return 1;
        } catch (error) {
          if (error instanceof WriteConflict) return 0;
          throw error;
        }
      }),
    );
    purged += outcomes.reduce<number>((sum, n) => sum + n, 0);
    startKey = page.nextKey;
  } while (startKey && read < maxKeys);
  return { read, purged };
}
