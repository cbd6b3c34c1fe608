import type { KeyRecord } from '../ports.ts';
import { effectiveStatus } from '../domain/key-status.ts';
import { previewOf } from '../domain/api-key.ts';
import { creditsRemaining, rateState } from '../domain/usage-controls.ts';

/** What every route shows of a key: never the secret, its hash or its sealed copy. Usage counters read as of `now`. */
export function keyView(key: KeyRecord, prefix: string, now: Date) {
  const rate = rateState(key, now);
  const remaining = creditsRemaining(key, now);
  return {
    id: key.keyId,
    name: key.name,
    description: key.description,
    type: key.type,
    scopes: key.scopes,
    status: effectiveStatus(key, now),
    preview: previewOf(prefix, key.keyId, key.previewTail),
    recoverable: key.recoverable,
    createdAt: key.createdAt,
    createdBy: key.createdBy,
    updatedAt: key.updatedAt,
    lastUsedAt: key.lastUsedAt ?? null,
    expiresAt: key.expiresAt ?? null,
    ownerId: key.ownerId ?? null,
    meta: key.meta ?? null,
    rateLimit: key.rateLimit && rate ? { ...key.rateLimit, remaining: rate.remaining, reset: rate.reset } : null,
    credits: key.credits && remaining !== undefined ? { remaining, ...(key.credits.refill ? { refill: key.credits.refill } : {}) } : null,
    allowedIps: key.allowedIps ?? null,
    leakedAt: key.leakedAt ?? null,
  };
}

export type KeyView = ReturnType<typeof keyView>;
