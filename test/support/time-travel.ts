import type { KeyChanges } from '#shared/ports.ts';
import { getAdapters } from '#shared/runtime.ts';

/** A moment that has just passed. */
export const justNow = () => new Date(Date.now() - 1000).toISOString();

/**
 * Moves a key's timestamps (expiry, purge time, end of grace) as if time had passed, through
 * the store's own versioned update, so the key stays a valid record.
 */
export async function ageKey(keyId: string, changes: KeyChanges): Promise<void> {
  const { store } = getAdapters();
  const record = await store.keys.get(keyId);
  if (!record) throw new Error(`no key ${keyId} to age`);
  await store.changes.write([{ kind: 'updateKey', keyId, tenant: record.tenant, expectedVersion: record.version, changes }]);
}
