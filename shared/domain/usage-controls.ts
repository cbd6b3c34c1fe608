import ipaddr from 'ipaddr.js';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export type RefillInterval = 'daily' | 'monthly';

export interface Credits {
  remaining: number;
  refill?: { amount: number; interval: RefillInterval } | undefined;
}

/** What a key's usage controls are, and what they have counted so far (as stored). */
export interface UsageState {
  rateLimit?: RateLimit | undefined;
  /** Start (epoch seconds) of the rate window `rateCount` counts in. */
  rateWindowStart?: number | undefined;
  rateCount?: number | undefined;
  credits?: Credits | undefined;
  /** The refill period (`2026-11-23` daily, `2026-11` monthly) whose credits `credits.remaining` holds. */
  creditsPeriod?: string | undefined;
}

const epochSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

/**
 * Fixed windows aligned to multiples of `windowSeconds` since the epoch, so every function
 * agrees on which window a use falls in without talking to the others.
 */
export const rateWindowStart = (rateLimit: RateLimit, now: Date) =>
  Math.floor(epochSeconds(now) / rateLimit.windowSeconds) * rateLimit.windowSeconds;

/** The refill period that holds `now`: credits refill at 00:00 UTC daily, or on the 1st of the month. */
export const refillPeriod = (interval: RefillInterval, now: Date) => now.toISOString().slice(0, interval === 'daily' ? 10 : 7);

/** When the next refill happens. */
export function nextRefill(interval: RefillInterval, now: Date): Date {
  return interval === 'daily'
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** The rate window as of `now`: how many uses are left, and in how many seconds it resets. */
export function rateState(
  state: UsageState,
  now: Date,
): { limit: number; remaining: number; reset: number; used: number; windowStart: number } | undefined {
  const { rateLimit } = state;
  if (!rateLimit) return undefined;
  const windowStart = rateWindowStart(rateLimit, now);
  const used = state.rateWindowStart === windowStart ? (state.rateCount ?? 0) : 0;
  return {
    limit: rateLimit.limit,
    remaining: Math.max(0, rateLimit.limit - used),
    reset: windowStart + rateLimit.windowSeconds - epochSeconds(now),
    used,
    windowStart,
  };
}

/** The credits left as of `now`: a refill due since the last use counts as done (it happens on the next use). */
export function creditsRemaining(state: UsageState, now: Date): number | undefined {
  const { credits } = state;
  if (!credits) return undefined;
  if (credits.refill && state.creditsPeriod !== refillPeriod(credits.refill.interval, now)) return credits.refill.amount;
  return credits.remaining;
}

/** How one use changes the counters, for a conditional write that fails if another function got there first. */
export interface UsePlan {
  rate?: { limit: number; windowStart: number; sameWindow: boolean; storedWindowStart: number | undefined } | undefined;
  credits?: { refillTo?: number | undefined; period?: string | undefined; storedPeriod: string | undefined } | undefined;
}

export type UseDecision =
  | { kind: 'allowed'; plan: UsePlan | undefined }
  | { kind: 'rate_limited'; retryAfter: number }
  | { kind: 'usage_exceeded'; retryAfter: number | undefined };

/**
 * Whether one more use fits, judged on the counters as read, in the documented order (README,
 * usage controls): the rate limit, then credits. A refused use changes nothing (it costs no credit). `allowed`
 * carries the plan of the write; the write's conditions make it exact across functions.
 */
export function decideUse(state: UsageState, now: Date): UseDecision {
  const rate = rateState(state, now);
  if (rate && rate.remaining === 0) return { kind: 'rate_limited', retryAfter: rate.reset };
  const remaining = creditsRemaining(state, now);
  const refill = state.credits?.refill;
  if (remaining !== undefined && remaining <= 0) {
    return {
      kind: 'usage_exceeded',
      retryAfter: refill ? Math.ceil((nextRefill(refill.interval, now).getTime() - now.getTime()) / 1000) : undefined,
    };
  }
  if (!rate && remaining === undefined) return { kind: 'allowed', plan: undefined };
  const period = refill ? refillPeriod(refill.interval, now) : undefined;
  return {
    kind: 'allowed',
    plan: {
      rate:
        rate && state.rateLimit
          ? {
              limit: state.rateLimit.limit,
              windowStart: rate.windowStart,
              sameWindow: state.rateWindowStart === rate.windowStart,
              storedWindowStart: state.rateWindowStart,
            }
          : undefined,
      credits:
        remaining === undefined
          ? undefined
          : { refillTo: refill && state.creditsPeriod !== period ? refill.amount : undefined, period, storedPeriod: state.creditsPeriod },
    },
  };
}

/**
 * An address as RFC 4291 writes IPv6 (hex groups, one `::` at most, maybe a dotted IPv4 tail)
 * or as four decimal parts without leading zeros for IPv4. ipaddr.js alone also reads the forms
 * of inet_aton (`010.1.1.1` as 8.1.1.1, `0x7f.1`, `10.1`, `2130706433`) and zone ids (`%eth0`).
 */
function isCanonicalAddress(text: string): boolean {
  if (!text.includes(':')) return ipaddr.IPv4.isValidFourPartDecimal(text);
  const tail = text.slice(text.lastIndexOf(':') + 1);
  return !text.includes('%') && ipaddr.IPv6.isValid(text) && (!tail.includes('.') || ipaddr.IPv4.isValidFourPartDecimal(tail));
}

/** True for an IPv4 or IPv6 address, or a CIDR block of one, written canonically (`203.0.113.0/24`, `2001:db8::/32`, `::1`). */
export function isIpOrCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  if (prefix === undefined) return isCanonicalAddress(address);
  return rest.length === 0 && /^(0|[1-9][0-9]{0,2})$/.test(prefix) && isCanonicalAddress(address) && ipaddr.isValidCIDR(value);
}

/** The canonical form of an address or block (`10.0.0.0/8`, `2001:db8::/32`; a bare address as /32 or /128). */
export function canonicalCidr(value: string): string {
  const [address, prefix] = value.includes('/') ? ipaddr.parseCIDR(value) : [ipaddr.parse(value), undefined];
  return `${address.toString()}/${prefix ?? (address.kind() === 'ipv4' ? 32 : 128)}`;
}

/** Whether `sourceIp` lies in one of `allowed` (IPv4-mapped IPv6 addresses count as IPv4). */
export function ipAllowed(sourceIp: string | null, allowed: readonly string[]): boolean {
  if (sourceIp === null || !ipaddr.isValid(sourceIp)) return false;
  const address = ipaddr.process(sourceIp);
  return allowed.some((block) => {
    // A stored entry that is no canonical address (written by hand, or before this check) matches nothing.
    if (!isIpOrCidr(block)) return false;
    const [range, prefix] = ipaddr.parseCIDR(canonicalCidr(block));
    return address.kind() === range.kind() && address.match(range, prefix);
  });
}

/** What a use of a key leaves: the rate window and the credits, as the answer reports them. */
export interface UsageReport {
  rateLimit?: { limit: number; remaining: number; reset: number } | undefined;
  credits?: { remaining: number } | undefined;
}

export function usageReport(state: UsageState, now: Date): UsageReport {
  const rate = rateState(state, now);
  const credits = creditsRemaining(state, now);
  return {
    ...(rate ? { rateLimit: { limit: rate.limit, remaining: rate.remaining, reset: rate.reset } } : {}),
    ...(credits !== undefined ? { credits: { remaining: credits } } : {}),
  };
}

/** The RateLimit-* headers every answer to a use of a rate-limited key carries. */
export function rateLimitHeaders(report: UsageReport | undefined): Record<string, string> {
  const rate = report?.rateLimit;
  if (!rate) return {};
  return { 'ratelimit-limit': String(rate.limit), 'ratelimit-remaining': String(rate.remaining), 'ratelimit-reset': String(rate.reset) };
}
