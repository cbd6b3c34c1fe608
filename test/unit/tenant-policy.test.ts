import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeywardError } from '#shared/errors.ts';
import type { TenantDirectory, TenantPolicy, TenantRecord } from '#shared/ports.ts';
import {
  checkGracePeriod,
  checkNewKeyExpiry,
  defaultTenantPolicy,
  POLICY_CACHE_MS,
  TenantPolicies,
} from '#shared/services/tenant-policy.ts';

const now = new Date('2026-11-23T10:00:00.000Z');
const policy = (rules: Partial<TenantPolicy>): TenantPolicy => ({ ...defaultTenantPolicy, ...rules });

function refusal(check: () => void): KeywardError {
  try {
    check();
  } catch (error) {
    return error as KeywardError;
  }
  throw new Error('the policy allowed it');
}

describe('tenant policy rules', () => {
  it('name the rule, the field and what to send when a key must expire', () => {
    const error = refusal(() => checkNewKeyExpiry(policy({ requireExpiry: true }), undefined, now));
    expect(error.code).toBe('policy.violation');
    expect(error.message).toBe(
      "The tenant policy's requireExpiry rule refuses this: every key must expire: send expiresInDays or expiresAt.",
    );
    expect(error.details).toEqual([
      { path: 'expiresAt', message: 'every key must expire: send expiresInDays or expiresAt (tenant policy: requireExpiry)' },
    ]);
  });

  it('allow a lifetime up to the longest, to the millisecond, and name the latest expiry beyond it', () => {
    const rules = policy({ maxLifetimeDays: 30 });
    expect(() => checkNewKeyExpiry(rules, '2026-12-23T10:00:00.000Z', now)).not.toThrow();
    const error = refusal(() => checkNewKeyExpiry(rules, '2026-12-23T10:00:00.001Z', now));
    expect(error.details).toEqual([
      {
        path: 'expiresAt',
        message: 'keys may live at most 30 days: send an expiry no later than 2026-12-23T10:00:00.000Z (tenant policy: maxLifetimeDays)',
      },
    ]);
    expect(refusal(() => checkNewKeyExpiry(rules, undefined, now)).details?.[0]?.path).toBe('expiresAt');
    expect(() => checkNewKeyExpiry(defaultTenantPolicy, undefined, now)).not.toThrow();
  });

  it('cap the grace period of a regenerate', () => {
    const rules = policy({ maxGracePeriodSeconds: 3600 });
    expect(() => checkGracePeriod(rules, 3600)).not.toThrow();
    expect(refusal(() => checkGracePeriod(rules, 3601)).details).toEqual([
      {
        path: 'gracePeriodSeconds',
        message: 'the old secret may keep working at most 3600 seconds (tenant policy: maxGracePeriodSeconds)',
      },
    ]);
  });
});

describe('tenant policies as functions see them', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function directory(record: TenantRecord | undefined) {
    const reads: string[] = [];
    const tenants: TenantDirectory = {
      get: async (tenant) => {
        reads.push(tenant);
        return record;
      },
    };
    return { tenants, reads };
  }

  it('read the default policy for a tenant with none', async () => {
    const { tenants } = directory(undefined);
    expect(await new TenantPolicies(tenants).get('acme')).toEqual(defaultTenantPolicy);
  });

  it('read a tenant at most once per cache period, unless asked for a fresh copy', async () => {
    vi.useFakeTimers({ now });
    const { tenants, reads } = directory({ policy: { requireExpiry: true } } as TenantRecord);
    const policies = new TenantPolicies(tenants);
    expect((await policies.get('acme')).requireExpiry).toBe(true);
    vi.advanceTimersByTime(POLICY_CACHE_MS - 1);
    await policies.get('acme');
    expect(reads).toHaveLength(1);
    await policies.get('acme', { fresh: true });
    expect(reads).toHaveLength(2);
    vi.advanceTimersByTime(POLICY_CACHE_MS);
    await policies.get('acme');
    expect(reads).toHaveLength(3);
  });

  it('keep a policy this function wrote without reading it back', async () => {
    vi.useFakeTimers({ now });
    const { tenants, reads } = directory(undefined);
    const policies = new TenantPolicies(tenants);
    policies.remember('acme', policy({ requireExpiry: true }));
    expect((await policies.get('acme')).requireExpiry).toBe(true);
    expect(reads).toHaveLength(0);
  });
});
