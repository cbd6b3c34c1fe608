import { parseApiKey } from '../domain/api-key.ts';
import { effectiveStatus } from '../domain/key-status.ts';
import { type KeyChanges, type KeyRecord, type Store, type WriteOp, WriteConflict } from '../ports.ts';
import { auditEvent, serviceActor } from './audit.ts';
import { revocationChanges } from './key-service.ts';
import type { SecretHasher } from './secret-hasher.ts';
import type { TenantPolicies } from './tenant-policy.ts';

/** A full key seen where it should not be, and where: a GitHub secret-scanning alert, or anyone's report. */
export interface LeakReport {
  apiKey: string;
  via: 'github' | 'report';
  source: string | null;
  url: string | null;
}

/** What a report did: nothing (no valid key, or one already handled), or the tenant's `onLeak`. */
export type LeakOutcome =
  | { handled: false }
  | { handled: true; keyId: string; tenant: string; action: 'revoked' | 'disabled' | 'notified' };

const MAX_ATTEMPTS = 3;
const nothing: LeakOutcome = { handled: false };

/**
 * Deals with a leaked key as its tenant's policy says (`onLeak`: revoke, the default; disable;
 * or notify only), always with a `key.leaked` audit event, so the owner hears of it through
 * EventBridge. Only a key whose secret is right and that still works is acted on: a malformed
 * key, a bad checksum, an unknown id, a wrong secret or a key already revoked or expired
 * changes nothing, and a key already reported is left as the first report left it. A system
 * key is never revoked or disabled as a key: the tenant policy turns it off
 * (`systemKey: "disabled"`), which only an operator turns back on.
 */
export class LeakResponse {
  private readonly deps: {
    store: Pick<Store, 'keys' | 'changes'>;
    hasher: SecretHasher;
    policies: TenantPolicies;
    settings: { keyPrefix: string; retentionDays: number; auditRetentionDays: number };
  };

  constructor(deps: LeakResponse['deps']) {
    this.deps = deps;
  }

  async handle(report: LeakReport, now: Date): Promise<LeakOutcome> {
    const parts = parseApiKey(this.deps.settings.keyPrefix, report.apiKey);
    if (!parts) return nothing;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const key = await this.deps.store.keys.get(parts.keyId);
      // The current secret, or the previous one while its grace period lasts: either opens the key.
      if (!key || !this.deps.hasher.secretOf(key, parts.secret, now)) return nothing;
      const status = effectiveStatus(key, now);
      if (status === 'revoked' || status === 'expired' || key.leakedAt !== undefined) return nothing;
      const { ops, action } = await this.response(key, report, now);
      try {
        await this.deps.store.changes.write(ops);
        for (const op of ops) if (op.kind === 'setTenantPolicy') this.deps.policies.remember(op.tenant, op.policy);
        return { handled: true, keyId: key.keyId, tenant: key.tenant, action };
      } catch (error) {
        // The key changed meanwhile (a use, an edit, another report): judge it again as it is now.
        if (!(error instanceof WriteConflict && error.kind === 'updateKey')) throw error;
      }
    }
    throw new Error('the leaked key kept changing: the report is retried');
  }

  private async response(key: KeyRecord, report: LeakReport, now: Date) {
    const policy = await this.deps.policies.get(key.tenant, { fresh: true });
    const at = now.toISOString();
    const event = (action: 'key.leaked' | 'key.revoke' | 'key.disable', details: Record<string, string | null>) =>
      auditEvent(
        { tenant: key.tenant, action, keyId: key.keyId, actor: serviceActor(`keyward:leak-${report.via}`), sourceIp: null, details },
        now,
        this.deps.settings.auditRetentionDays,
      );
    const act = key.type === 'system' && policy.onLeak !== 'notify' ? 'system' : policy.onLeak;
    let changes: KeyChanges = { leakedAt: at, updatedAt: at };
    const ops: WriteOp[] = [];
    if (act === 'revoke') {
      changes = { ...revocationChanges(key, 'leaked', now, this.deps.settings.retentionDays), leakedAt: at };
      ops.push({ kind: 'audit', event: event('key.revoke', { reason: 'leaked' }) });
    } else if (act === 'disable' && key.status === 'active') {
      changes = { ...changes, status: 'disabled' };
      ops.push({ kind: 'audit', event: event('key.disable', { reason: 'leaked' }) });
    } else if (act === 'system') {
      ops.push({ kind: 'setTenantPolicy', tenant: key.tenant, policy: { ...policy, systemKey: 'disabled' } });
    }
    ops.unshift(
      { kind: 'updateKey', keyId: key.keyId, tenant: key.tenant, expectedVersion: key.version, changes },
      { kind: 'audit', event: event('key.leaked', { via: report.via, source: report.source, url: report.url, onLeak: policy.onLeak }) },
    );
    const action = act === 'revoke' ? 'revoked' : act === 'notify' ? 'notified' : 'disabled';
    return { ops, action } as const;
  }
}
