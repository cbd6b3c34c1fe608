import { describe, expect, it } from 'vitest';
import { addCounts, bucketsBetween, emptyCounts } from '#shared/domain/usage-analytics.ts';

describe('usage counts', () => {
  it('add up per outcome, leaving outcomes not given as they were', () => {
    const into = { ...emptyCounts(), valid: 2, refused: 1 };
    expect(addCounts(into, { valid: 3, rateLimited: 1 })).toEqual({
      valid: 5,
      rateLimited: 1,
      usageExceeded: 0,
      ipNotAllowed: 0,
      refused: 1,
    });
    expect(into.valid).toBe(5);
  });
});

describe('usage buckets between two times', () => {
  it('include the bucket that starts exactly at the end of the range', () => {
    expect(bucketsBetween(new Date('2026-11-23T08:30:00Z'), new Date('2026-11-23T10:00:00Z'), 'hour')).toEqual([
      '2026-11-23T08:00:00.000Z',
      '2026-11-23T09:00:00.000Z',
      '2026-11-23T10:00:00.000Z',
    ]);
    expect(bucketsBetween(new Date('2026-11-21T13:00:00Z'), new Date('2026-11-23T00:00:00Z'), 'day')).toEqual([
      '2026-11-21T00:00:00.000Z',
      '2026-11-22T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
  });

  it('are one bucket when the range lies within it', () => {
    expect(bucketsBetween(new Date('2026-11-23T10:05:00Z'), new Date('2026-11-23T10:55:00Z'), 'hour')).toEqual([
      '2026-11-23T10:00:00.000Z',
    ]);
  });
});
