import type { Store, TenantPolicy } from '../ports.ts';
import type { Caller } from './authenticator.ts';
import { auditEvent } from './audit.ts';
import type { TenantPolicies } from './tenant-policy.ts';
import { canonicalCidr } from '../domain/usage-controls.ts';

/** The tenant's own settings: its policy for every key. */
export class TenantService {
  private readonly deps: { store: Store; policies: TenantPolicies; auditRetentionDays: number };

  constructor(deps: { store: Store; policies: TenantPolicies; auditRetentionDays: number }) {
    this.deps = deps;
  }

  getPolicy(caller: Caller): Promise<TenantPolicy> {
    return this.deps.policies.get(caller.tenant, { fresh: true });
  }

  /** Replaces the policy, audited as `tenant.policy_update` in the same transaction. */
  async putPolicy(caller: Caller, input: TenantPolicy, now: Date): Promise<TenantPolicy> {
    const policy = { ...input, allowedIps: input.allowedIps?.map(canonicalCidr) ?? null };
    const event = auditEvent(
      {
        tenant: caller.tenant,
        action: 'tenant.policy_update',
        keyId: null,
        actor: caller.key.keyId,
        sourceIp: caller.sourceIp,
        details: { ...policy, allowedIps: policy.allowedIps },
      },
      now,
      this.deps.auditRetentionDays,
    );
    await this.deps.store.changes.write([
      { kind: 'setTenantPolicy', tenant: caller.tenant, policy },
      { kind: 'audit', event },
    ]);
    this.deps.policies.remember(caller.tenant, policy);
    return policy;
  }
}
