import { createHash } from 'node:crypto';
import type { Actor, AuditAction, AuditEvent } from '../ports.ts';
import { randomBase62 } from '../domain/api-key.ts';

export interface AuditInput {
  tenant: string;
  action: AuditAction;
  keyId: string | null;
  actor: Actor;
  /** The owner of the key the event is about, when it has one. */
  ownerId?: string | undefined;
  sourceIp?: string | null | undefined;
  outcome?: 'success' | 'failure';
  details?: AuditEvent['details'];
  /** An id derived from what the event is about, for events written more than once (counted); random otherwise. */
  id?: string | undefined;
}

/** The actor of a key's own calls. */
export const keyActor = (keyId: string): Actor => ({ id: keyId, type: 'key' });

/** Nobody proved who they are: a refused authentication names no actor but this. */
export const anonymous: Actor = { id: 'anonymous', type: 'unauthenticated' };

/** Keyward's own work, under its own name: bootstrap, the purge, expiry notices, an operator's IAM change. */
export const serviceActor = (name: string): Actor => ({ id: name, type: 'unauthenticated' });

/** A new audit event, kept for `retentionDays` (DynamoDB TTL forgets it afterwards). */
export function auditEvent(input: AuditInput, now: Date, retentionDays: number): AuditEvent {
  return {
    id: input.id ?? randomBase62(16),
    tenant: input.tenant,
    at: now.toISOString(),
    action: input.action,
    keyId: input.keyId,
    actor: input.actor.id,
    actorType: input.actor.type,
    ...(input.actor.email !== undefined ? { actorEmail: input.actor.email } : {}),
    ...(input.actor.name !== undefined ? { actorName: input.actor.name } : {}),
    ...(input.ownerId !== undefined ? { ownerId: input.ownerId } : {}),
    sourceIp: input.sourceIp ?? null,
    outcome: input.outcome ?? 'success',
    details: input.details ?? {},
    expiresAtEpoch: Math.floor(now.getTime() / 1000) + retentionDays * 24 * 3600,
  };
}

/** Failures of one key from one source within this window become one audit event with a count. */
export const FAILURE_WINDOW_MS = 60_000;

/** The start of the failure window that holds `now`. */
export const failureWindowStart = (now: Date) => new Date(Math.floor(now.getTime() / FAILURE_WINDOW_MS) * FAILURE_WINDOW_MS).toISOString();

/**
 * The audit event that counts failed authentications of one key by one actor from one
 * source IP, for one reason, within one window: its id is derived from all of these, so
 * every failure of the window lands on the same event. The actor is `anonymous` unless a
 * caller who proved who they are presented someone else's key (a verify call): the targeted
 * key is the event's `keyId`, never its actor.
 */
export function authenticationFailureEvent(
  input: {
    tenant: string;
    keyId: string;
    actor?: Actor | undefined;
    sourceIp: string | null;
    reason: string;
    ownerId?: string | undefined;
  },
  now: Date,
  retentionDays: number,
): { event: AuditEvent; windowStart: string } {
  const windowStart = failureWindowStart(now);
  const id = createHash('sha256')
    .update([input.tenant, input.keyId, (input.actor ?? anonymous).id, input.sourceIp ?? '', input.reason, windowStart].join('\n'))
    .digest('hex')
    .slice(0, 16);
  const event = auditEvent(
    {
      id,
      tenant: input.tenant,
      action: 'authentication.failure',
      keyId: input.keyId,
      actor: input.actor ?? anonymous,
      ownerId: input.ownerId,
      sourceIp: input.sourceIp,
      outcome: 'failure',
      details: { reason: input.reason },
    },
    now,
    retentionDays,
  );
  return { event, windowStart };
}

/** Attempts with unknown key ids are kept a day: long enough to see a guessing run, never in a tenant's log. */
const UNKNOWN_KEY_ATTEMPT_RETENTION_DAYS = 1;

/** An attempt with a key id that names no key (or a key of another tenant), counted per source IP and window. */
export function unknownKeyAttempt(input: { keyId: string; actor: Actor | undefined; sourceIp: string | null }, now: Date) {
  return authenticationFailureEvent(
    { tenant: '-', keyId: input.keyId, actor: input.actor, sourceIp: input.sourceIp, reason: 'unknown_key' },
    now,
    UNKNOWN_KEY_ATTEMPT_RETENTION_DAYS,
  );
}
