import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { KeyRecord, Store } from '#shared/ports.ts';
import { formatApiKey, generateKeyId, generateSecret, previewTail } from '#shared/domain/api-key.ts';
import { inParallel } from './stats.ts';

const SECOND_MS = 1000;
export const DAY_MS = 24 * 3600 * SECOND_MS;

/**
 * A key record shaped like one the key service creates, created `ageMs` before `now`. Its
 * secret hash is random: seeded keys are listed and purged, never used to authenticate.
 */
export function seedKey(tenant: string, keyPrefix: string, now: Date, ageMs: number, fields: Partial<KeyRecord> = {}): KeyRecord {
  const keyId = generateKeyId();
  const createdAt = new Date(now.getTime() - ageMs).toISOString();
  return {
    keyId,
    tenant,
    name: `bench key ${keyId.slice(0, 6)}`,
    description: '',
    type: 'viewer',
    scopes: [],
    status: 'active',
    secretHash: randomBytes(32).toString('base64url'),
    recoverable: false,
    previewTail: previewTail(formatApiKey(keyPrefix, { keyId, secret: generateSecret() })),
    createdAt,
    createdBy: 'bench',
    updatedAt: createdAt,
    version: 1,
    ...fields,
  };
}

/** `count` keys, one second apart in age, so the newest-first listing has an order to follow. */
export function seedKeys(count: number, build: (ageMs: number, index: number) => KeyRecord): KeyRecord[] {
  return Array.from({ length: count }, (_, i) => build((i + 1) * SECOND_MS, i));
}

/** Writes key items straight through the store, many at once: the HTTP create route is far too slow for thousands. */
export async function writeKeys(store: Store, keys: readonly KeyRecord[], concurrency: number): Promise<number> {
  const started = performance.now();
  await inParallel(keys, concurrency, (key) => store.changes.write([{ kind: 'createKey', key }]));
  return performance.now() - started;
}
