/** How a use of a key whose secret was right ended. */
export const useOutcomes = ['valid', 'rateLimited', 'usageExceeded', 'ipNotAllowed', 'refused'] as const;
export type UseOutcome = (typeof useOutcomes)[number];

export type UsageCounts = Record<UseOutcome, number>;

export const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Usage is kept (and can be asked for) this long. */
export const USAGE_RETENTION_DAYS = 90;

export const emptyCounts = (): UsageCounts => ({ valid: 0, rateLimited: 0, usageExceeded: 0, ipNotAllowed: 0, refused: 0 });

export function addCounts(into: UsageCounts, more: Partial<UsageCounts>): UsageCounts {
  for (const outcome of useOutcomes) into[outcome] += more[outcome] ?? 0;
  return into;
}

/** The start of the hour that holds `at`: the unit usage is counted in. */
export const hourOf = (at: Date) => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS).toISOString();

export type Granularity = 'hour' | 'day';

/** The start of the bucket of `granularity` that holds an hour (days start at 00:00 UTC). */
export const bucketOf = (hour: string, granularity: Granularity) => (granularity === 'hour' ? hour : `${hour.slice(0, 10)}T00:00:00.000Z`);

/**
 * Every bucket from the one holding `from` to the one holding `to`, oldest first, so that
 * empty buckets are answered too.
 */
export function bucketsBetween(from: Date, to: Date, granularity: Granularity): string[] {
  const step = granularity === 'hour' ? HOUR_MS : DAY_MS;
  const first = Date.parse(bucketOf(hourOf(from), granularity));
  const buckets: string[] = [];
  for (let at = first; at <= to.getTime(); at += step) buckets.push(new Date(at).toISOString());
  return buckets;
}
