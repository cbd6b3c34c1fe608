/** What the table records; `expired` is never stored, it is judged from `expiresAt`. */
export type StoredStatus = 'active' | 'disabled' | 'revoked';
export const keyStatuses = ['active', 'disabled', 'revoked', 'expired'] as const;
export type KeyStatus = (typeof keyStatuses)[number];

/** Which stored status a key has, and whether its `expiresAt` has passed, for each status a caller sees. */
export interface StatusCriteria {
  stored: readonly StoredStatus[];
  /** true: `expiresAt` has passed; false: no `expiresAt`, or still ahead; absent: either. */
  expired?: boolean;
}

/**
 * The status rule, written once: revocation is final and wins; otherwise a key is expired
 * the moment `expiresAt` passes, whether or not the purge job or TTL has removed it yet.
 * `effectiveStatus` judges a record by it, and the store filters lists by it.
 */
export const statusCriteria: Record<KeyStatus, StatusCriteria> = {
  revoked: { stored: ['revoked'] },
  expired: { stored: ['active', 'disabled'], expired: true },
  active: { stored: ['active'], expired: false },
  disabled: { stored: ['disabled'], expired: false },
};

/** The status a caller sees (see `statusCriteria`). */
export function effectiveStatus(key: { status: StoredStatus; expiresAt?: string | undefined }, now: Date): KeyStatus {
  const expired = key.expiresAt !== undefined && Date.parse(key.expiresAt) <= now.getTime();
  const match = keyStatuses.find((status) => {
    const criteria = statusCriteria[status];
    return criteria.stored.includes(key.status) && (criteria.expired === undefined || criteria.expired === expired);
  });
  if (!match) throw new Error(`no status matches a ${key.status} key`);
  return match;
}
