export const storedStatuses = ['active', 'disabled', 'revoked'] as const;
export type StoredStatus = (typeof storedStatuses)[number];
export const keyStatuses = ['active', 'disabled', 'revoked', 'expired'] as const;
export type KeyStatus = (typeof keyStatuses)[number];

/**
 * The status a caller sees: revocation is final and wins; otherwise a key is expired the
 * moment `expiresAt` passes, whether or not the purge job or TTL has removed it yet.
 */
export function effectiveStatus(key: { status: StoredStatus; expiresAt?: string | undefined }, now: Date): KeyStatus {
  if (key.status === 'revoked') return 'revoked';
  if (key.expiresAt !== undefined && Date.parse(key.expiresAt) <= now.getTime()) return 'expired';
  return key.status;
}
