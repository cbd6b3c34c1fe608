import type { Config } from '../config.ts';
import { KeywardError } from '../errors.ts';
import { type Store, type TenantPolicy, WriteConflict } from '../ports.ts';
import { canonicalCidr, isIpOrCidr } from '../domain/usage-controls.ts';
import { auditEvent, serviceActor } from './audit.ts';
import { defaultTenantPolicy } from './tenant-policy.ts';

const unknownTenant = (tenant: string) =>
  new KeywardError(
    'request.invalid',
    `There is no tenant '${tenant}' in this store: check the tenant id (and the stage), or create it with keyward bootstrap --tenant ${tenant}.`,
  );

/**
 * Changes a tenant's policy with the store's own credentials (IAM in AWS, the local machine's
 * user otherwise), not through the API: the way back in when the system key is disabled or the
 * tenant's allowed IPs shut everyone out. The given rules are merged into the stored policy and
 * written together with its `tenant.policy_update` audit event, by the operator.
 */
export async function setTenantPolicyAsOperator(
  deps: { store: Store; config: Pick<Config, 'auditRetentionDays'> },
  tenant: string,
  change: Partial<TenantPolicy>,
  now: Date,
): Promise<TenantPolicy> {
  const record = await deps.store.tenants.get(tenant);
  if (!record) throw unknownTenant(tenant);
  const merged: TenantPolicy = { ...defaultTenantPolicy, ...record.policy, ...change };
  const policy = { ...merged, allowedIps: merged.allowedIps === null ? null : canonicalAllowedIps(merged.allowedIps) };
  const event = auditEvent(
    { tenant, action: 'tenant.policy_update', keyId: null, actor: serviceActor('operator'), details: { ...policy } },
    now,
    deps.config.auditRetentionDays,
  );
  try {
    await deps.store.changes.write([
      { kind: 'setTenantPolicy', tenant, policy },
      { kind: 'audit', event },
    ]);
  } catch (error) {
    if (error instanceof WriteConflict && error.kind === 'setTenantPolicy') throw unknownTenant(tenant);
    throw error;
  }
  return policy;
}

/** The same rules the API applies: 1 to 50 addresses or CIDR blocks, stored in their canonical form. */
function canonicalAllowedIps(values: string[]): string[] {
  const refuse = (message: string) => new KeywardError('request.invalid', message, { details: [{ path: 'allowedIps', message }] });
  if (values.length === 0 || values.length > 50) throw refuse('list 1 to 50 addresses or CIDR blocks, or none to allow every address');
  return values.map((value) => {
    if (!isIpOrCidr(value)) throw refuse(`'${value}' is not an IPv4 or IPv6 address or CIDR block, such as 203.0.113.0/24`);
    return canonicalCidr(value);
  });
}
