/** What the table records; `expired` is never stored, it is judged from `expiresAt`. */
export type StoredStatus = 'active' | 'disabled' | 'revoked';
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
