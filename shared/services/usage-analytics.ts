import { KeywardError, keyNotFound } from '../errors.ts';
import type { KeyRepository, PageKey, UsageBucket, UsageLog } from '../ports.ts';
import { keyIdPattern } from '../domain/api-key.ts';
import {
  addCounts,
  bucketOf,
  bucketsBetween,
  emptyCounts,
  HOUR_MS,
  USAGE_RETENTION_DAYS,
  type Granularity,
  type UsageCounts,
} from '../domain/usage-analytics.ts';
import type { Caller } from './authenticator.ts';

const DAY_MS = 24 * HOUR_MS;
const TOP_KEYS = 10;

export interface UsageQuery {
  from?: string | undefined;
  to?: string | undefined;
  granularity: Granularity;
}

/** The range asked for: by default the last 24 hours, at most 90 days, `from` before `to`. */
function rangeOf(query: UsageQuery, now: Date): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
  const refuse = (path: string, message: string) =>
    new KeywardError('request.invalid', `The query string is not valid: ${path} ${message}.`, { details: [{ path, message }] });
  if (from.getTime() > to.getTime()) throw refuse('from', 'must not be after to');
  if (to.getTime() - from.getTime() > USAGE_RETENTION_DAYS * DAY_MS)
    throw refuse('from', `must be at most ${USAGE_RETENTION_DAYS} days before to`);
  return { from, to };
}

/** Buckets oldest first, empty ones included, and the totals over them. */
function series(buckets: readonly UsageBucket[], from: Date, to: Date, granularity: Granularity) {
  const byBucket = new Map(bucketsBetween(from, to, granularity).map((at) => [at, emptyCounts()]));
  for (const bucket of buckets) {
    const counts = byBucket.get(bucketOf(bucket.hour, granularity));
    if (counts) addCounts(counts, bucket.counts);
  }
  const items = [...byBucket].map(([at, counts]) => ({ at, ...counts }));
  const totals = items.reduce<UsageCounts>((sum, item) => addCounts(sum, item), emptyCounts());
  return { items, totals };
}

/** How keys are used: per key or for the whole tenant, by hour or day, by outcome. */
export class UsageAnalytics {
  private readonly deps: { usage: UsageLog; keys: KeyRepository };

  constructor(deps: { usage: UsageLog; keys: KeyRepository }) {
    this.deps = deps;
  }

  async ofKey(caller: Caller, keyId: string, query: UsageQuery, now: Date) {
    const key = keyIdPattern.test(keyId) ? await this.deps.keys.get(keyId) : undefined;
    const { onlyOwner } = caller.grant;
    if (!key || key.tenant !== caller.tenant || (onlyOwner !== undefined && key.ownerId !== onlyOwner)) throw keyNotFound(keyId);
    const { from, to } = rangeOf(query, now);
    return series(await this.deps.usage.ofKey(keyId, from, to), from, to, query.granularity);
  }

  /** The tenant's totals over time, and its most used keys (by valid uses) in the range. */
  async ofTenant(caller: Caller, query: UsageQuery, now: Date) {
    const { from, to } = rangeOf(query, now);
    const all = await this.deps.usage.ofTenant(caller.tenant, from, to);
    // A creator sees the uses of their own keys only.
    const own = caller.grant.onlyOwner === undefined ? undefined : await this.keysOwnedBy(caller.tenant, caller.grant.onlyOwner, now);
    const buckets = own ? all.filter((bucket) => own.has(bucket.keyId)) : all;
    const validByKey = new Map<string, number>();
    for (const bucket of buckets) validByKey.set(bucket.keyId, (validByKey.get(bucket.keyId) ?? 0) + bucket.counts.valid);
    const top = [...validByKey]
      .filter(([, valid]) => valid > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP_KEYS);
    const names = await Promise.all(top.map(async ([keyId]) => (await this.deps.keys.get(keyId))?.name ?? null));
    return {
      ...series(buckets, from, to, query.granularity),
      topKeys: top.map(([keyId, valid], i) => ({ keyId, name: names[i] ?? null, valid })),
    };
  }

  private async keysOwnedBy(tenant: string, ownerId: string, now: Date): Promise<Set<string>> {
    const ids = new Set<string>();
    let startKey: PageKey | undefined;
    do {
      const page = await this.deps.keys.list(tenant, { limit: 100, startKey, filter: { ownerId }, order: 'desc', now });
      for (const key of page.items) ids.add(key.keyId);
      startKey = page.nextKey;
    } while (startKey);
    return ids;
  }
}
