import type { KeyRecord } from '../ports.ts';
import { effectiveStatus } from '../domain/key-status.ts';
import { previewOf } from '../domain/api-key.ts';

/** What every route shows of a key: never the secret, its hash or its sealed copy. */
export function keyView(key: KeyRecord, prefix: string, now: Date) {
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
  };
}

export type KeyView = ReturnType<typeof keyView>;
