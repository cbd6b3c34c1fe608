import { KeywardError } from '../errors.ts';
import type { Store, TenantPolicy } from '../ports.ts';
import type { Caller } from './authenticator.ts';
import { auditEvent } from './audit.ts';
import { policyViolation, type TenantPolicies } from './tenant-policy.ts';
import { canonicalCidr, ipAllowed } from '../domain/usage-controls.ts';

/** A policy as the API takes it: the system key mode and people's token lifetime stay as they are when left out. */
/** The policy a PUT sends: the rules added after the first may be left out, and then keep their values. */
export type TenantPolicyInput = Omit<TenantPolicy, 'systemKey' | 'personTokenSeconds' | 'onLeak'> &
  Partial<Pick<TenantPolicy, 'systemKey' | 'personTokenSeconds' | 'onLeak'>>;

const systemKeyStaysOff = () =>
  new KeywardError(
    'auth.forbidden',
    'The system key is disabled, and only an operator with IAM credentials can turn it back on: `keyward policy set --tenant <id> --system-key enabled`.',
  );

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
  async putPolicy(caller: Caller, input: TenantPolicyInput, now: Date): Promise<TenantPolicy> {
    const current = await this.deps.policies.get(caller.tenant, { fresh: true });
    const policy: TenantPolicy = {
      ...current,
      ...input,
      systemKey: input.systemKey ?? current.systemKey,
      personTokenSeconds: input.personTokenSeconds ?? current.personTokenSeconds,
      onLeak: input.onLeak ?? current.onLeak,
      allowedIps: input.allowedIps?.map(canonicalCidr) ?? null,
    };
    // A disabled system key is the way back in that IAM alone holds: no credential of the tenant reopens it.
    if (current.systemKey === 'disabled' && policy.systemKey !== 'disabled') throw systemKeyStaysOff();
    // Nobody locks a tenant out by accident: the caller's own address must stay allowed.
    if (policy.allowedIps && !ipAllowed(caller.sourceIp, policy.allowedIps)) {
      throw policyViolation(
        'allowedIps',
        'allowedIps',
        `your own address ${caller.sourceIp ?? '(unknown)'} would be refused, and with it every call of yours: add it to the list (an operator can clear the list with keyward policy set --tenant <id> --allowed-ips none)`,
      );
    }
    const event = auditEvent(
      {
        tenant: caller.tenant,
        action: 'tenant.policy_update',
        keyId: null,
        actor: caller.actor,
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
