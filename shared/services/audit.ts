import type { AuditAction, AuditEvent } from '../ports.ts';
import { randomBase62 } from '../domain/api-key.ts';

export interface AuditInput {
  tenant: string;
  action: AuditAction;
  keyId: string | null;
  actor: string;
  sourceIp?: string | null | undefined;
  outcome?: 'success' | 'failure';
  details?: AuditEvent['details'];
}

/** A new audit event, kept for `retentionDays` (DynamoDB TTL forgets it afterwards). */
export function auditEvent(input: AuditInput, now: Date, retentionDays: number): AuditEvent {
  return {
    id: randomBase62(16),
    tenant: input.tenant,
    at: now.toISOString(),
    action: input.action,
    keyId: input.keyId,
    actor: input.actor,
    sourceIp: input.sourceIp ?? null,
    outcome: input.outcome ?? 'success',
    details: input.details ?? {},
    expiresAtEpoch: Math.floor(now.getTime() / 1000) + retentionDays * 24 * 3600,
  };
}
