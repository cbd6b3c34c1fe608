import { describe, expect, it } from 'vitest';
import { decideUse, ipAllowed, nextRefill, rateState, refillPeriod, usageReport, type UsageState } from '#shared/domain/usage-controls.ts';

const now = new Date('2026-11-23T10:00:30.000Z');
const nowSeconds = Date.parse('2026-11-23T10:00:30.000Z') / 1000;

describe('credit refills', () => {
  it('count credits per day (a date) or per month (a year and month)', () => {
    expect(refillPeriod('daily', now)).toBe('2026-11-23');
    expect(refillPeriod('monthly', now)).toBe('2026-11');
  });

  it('come at the next midnight UTC, or on the first of the next month', () => {
    expect(nextRefill('daily', now).toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(nextRefill('monthly', now).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(nextRefill('monthly', new Date('2026-12-31T23:59:59.000Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('refill a key counted in an earlier month on its next use, and tell an empty one when the refill comes', () => {
    const state: UsageState = { credits: { remaining: 0, refill: { amount: 50, interval: 'monthly' } }, creditsPeriod: '2026-10' };
    expect(usageReport(state, now)).toEqual({ credits: { remaining: 50 } });
    const empty: UsageState = { ...state, creditsPeriod: '2026-11' };
    const decision = decideUse(empty, now);
    expect(decision).toEqual({ kind: 'usage_exceeded', retryAfter: Date.parse('2026-12-01T00:00:00.000Z') / 1000 - nowSeconds });
  });
});

describe('a key without limits', () => {
  it('is allowed with no plan, so a use of it writes nothing', () => {
    expect(decideUse({}, now)).toEqual({ kind: 'allowed', plan: undefined });
  });
});

describe('the rate window', () => {
  const rateLimit = { limit: 10, windowSeconds: 60 };
  const windowStart = Math.floor(nowSeconds / 60) * 60;

  it('counts the uses of the current window and says in how many seconds it resets', () => {
    expect(rateState({ rateLimit, rateWindowStart: windowStart, rateCount: 4 }, now)).toEqual({
      limit: 10,
      remaining: 6,
      reset: 30,
      used: 4,
      windowStart,
    });
  });

  it('starts afresh once the window the counter belongs to has passed', () => {
    expect(rateState({ rateLimit, rateWindowStart: windowStart - 60, rateCount: 10 }, now)).toMatchObject({
      remaining: 10,
      used: 0,
      reset: 30,
    });
    expect(decideUse({ rateLimit, rateWindowStart: windowStart - 60, rateCount: 10 }, now).kind).toBe('allowed');
  });

  it('allows a use that fits with the plan of its write: the window, and whether it is the stored one', () => {
    expect(decideUse({ rateLimit, rateWindowStart: windowStart, rateCount: 9 }, now)).toEqual({
      kind: 'allowed',
      plan: { rate: { limit: 10, windowStart, sameWindow: true, storedWindowStart: windowStart }, credits: undefined },
    });
    expect(decideUse({ rateLimit, rateWindowStart: windowStart, rateCount: 10 }, now)).toEqual({ kind: 'rate_limited', retryAfter: 30 });
  });
});

describe('allowed IPs', () => {
  it('refuse a use with no source address, or one that is not an address', () => {
    expect(ipAllowed(null, ['0.0.0.0/0'])).toBe(false);
    expect(ipAllowed('not-an-address', ['0.0.0.0/0'])).toBe(false);
  });

  it('never match an address against a block of the other IP version', () => {
    expect(ipAllowed('2001:db8::1', ['10.0.0.0/8'])).toBe(false);
    expect(ipAllowed('10.1.2.3', ['2001:db8::/32'])).toBe(false);
    expect(ipAllowed('2001:db8::1', ['10.0.0.0/8', '2001:db8::/32'])).toBe(true);
  });
});
