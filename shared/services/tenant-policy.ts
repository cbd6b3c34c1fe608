import { KeywardError } from '../errors.ts';
import type { TenantDirectory, TenantPolicy } from '../ports.ts';

export const defaultTenantPolicy: TenantPolicy = {
  maxLifetimeDays: null,
  requireExpiry: false,
  maxGracePeriodSeconds: 604_800,
  allowedIps: null,
  systemKey: 'enabled',
  personTokenSeconds: 900,
  onLeak: 'revoke',
};

/** A policy change reaches every warm function within this long; each function reads a tenant's policy at most this often. */
export const POLICY_CACHE_MS = 10_000;

const DAY_MS = 24 * 3600 * 1000;

/** Names the rule a change breaks, so the caller knows what to fix or whom to ask. */
export const policyViolation = (rule: keyof TenantPolicy, path: string, message: string) =>
  new KeywardError('policy.violation', `The tenant policy's ${rule} rule refuses this: ${message}.`, {
    details: [{ path, message: `${message} (tenant policy: ${rule})` }],
  });

/**
 * Tenant policies as functions see them: read from the tenant item, kept for
 * `POLICY_CACHE_MS` so that a use of a key costs no extra read on a warm function.
 */
export class TenantPolicies {
  private readonly tenants: TenantDirectory;
  private readonly cache = new Map<string, { at: number; policy: TenantPolicy; exists: boolean }>();

  constructor(tenants: TenantDirectory) {
    this.tenants = tenants;
  }

  async get(tenant: string, options: { fresh?: boolean } = {}): Promise<TenantPolicy> {
    return (await this.read(tenant, options)).policy;
  }

  /** Whether the tenant was bootstrapped, from the same cached read as its policy. */
  async exists(tenant: string): Promise<boolean> {
    return (await this.read(tenant)).exists;
  }

  /** Remembers a policy this function just wrote. */
  remember(tenant: string, policy: TenantPolicy): void {
    this.cache.set(tenant, { at: Date.now(), policy, exists: true });
  }

  private async read(tenant: string, options: { fresh?: boolean } = {}) {
    const cached = this.cache.get(tenant);
    if (!options.fresh && cached && Date.now() - cached.at < POLICY_CACHE_MS) return cached;
    const record = await this.tenants.get(tenant);
    const entry = { at: Date.now(), policy: { ...defaultTenantPolicy, ...record?.policy }, exists: record !== undefined };
    this.cache.set(tenant, entry);
    return entry;
  }
}

/** The expiry rules of a new key: an expiry when required, and no longer than the longest lifetime. */
export function checkNewKeyExpiry(policy: TenantPolicy, expiresAt: string | undefined, now: Date): void {
  if (policy.requireExpiry && expiresAt === undefined) {
    throw policyViolation('requireExpiry', 'expiresAt', 'every key must expire: send expiresInDays or expiresAt');
  }
  if (policy.maxLifetimeDays !== null) {
    const latest = now.getTime() + policy.maxLifetimeDays * DAY_MS;
    if (expiresAt === undefined || Date.parse(expiresAt) > latest) {
      throw policyViolation(
        'maxLifetimeDays',
        'expiresAt',
        `keys may live at most ${policy.maxLifetimeDays} days: send an expiry no later than ${new Date(latest).toISOString()}`,
      );
    }
  }
}

/** The grace rule of a regenerate. */
export function checkGracePeriod(policy: TenantPolicy, gracePeriodSeconds: number): void {
  if (gracePeriodSeconds > policy.maxGracePeriodSeconds) {
    throw policyViolation(
      'maxGracePeriodSeconds',
      'gracePeriodSeconds',
      `the old secret may keep working at most ${policy.maxGracePeriodSeconds} seconds`,
    );
  }
}
