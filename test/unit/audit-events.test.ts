import { describe, expect, it } from 'vitest';
import { auditEvent, authenticationFailureEvent, failureWindowStart, unknownKeyAttempt } from '#shared/services/audit.ts';

const now = new Date('2026-11-23T10:00:30.500Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const DAY_SECONDS = 86_400;

describe('audit events', () => {
  it('are kept for the retention period, to the second', () => {
    const event = auditEvent(
      { tenant: 'acme', action: 'key.create', keyId: 'Ab3dE5gH7jK9mN1p', actor: { id: 'admin', type: 'key' } },
      now,
      30,
    );
    expect(event).toMatchObject({ at: now.toISOString(), sourceIp: null, outcome: 'success', details: {} });
    expect(event.expiresAtEpoch).toBe(nowSeconds + 30 * DAY_SECONDS);
  });

  it('count failures per minute, from the start of the minute', () => {
    expect(failureWindowStart(now)).toBe('2026-11-23T10:00:00.000Z');
    expect(failureWindowStart(new Date('2026-11-23T10:00:59.999Z'))).toBe('2026-11-23T10:00:00.000Z');
    expect(failureWindowStart(new Date('2026-11-23T10:01:00.000Z'))).toBe('2026-11-23T10:01:00.000Z');
  });
});

describe('counted failure events', () => {
  const failure = {
    tenant: 'acme',
    keyId: 'Ab3dE5gH7jK9mN1p',
    actor: { id: 'Xy3dE5gH7jK9mN1p', type: 'key' as const },
    sourceIp: '203.0.113.7',
    reason: 'wrong_secret',
  };
  const idOf = (input: typeof failure | (Omit<typeof failure, 'sourceIp'> & { sourceIp: string | null }), at = now) =>
    authenticationFailureEvent(input, at, 30).event.id;

  it('share one id within a window, and get a new one in the next', () => {
    expect(idOf(failure)).toMatch(/^[0-9a-f]{16}$/);
    expect(idOf(failure, new Date('2026-11-23T10:00:59.000Z'))).toBe(idOf(failure));
    expect(idOf(failure, new Date('2026-11-23T10:01:00.000Z'))).not.toBe(idOf(failure));
  });

  it('differ by every field they count by, with no two field lists running together', () => {
    const ids = new Set([
      idOf(failure),
      idOf({ ...failure, sourceIp: '203.0.113.8' }),
      idOf({ ...failure, sourceIp: null }),
      idOf({ ...failure, reason: 'disabled' }),
      idOf({ ...failure, actor: { id: 'someone-else', type: 'key' } }),
      idOf({ ...failure, tenant: 'acme2', keyId: 'b3dE5gH7jK9mN1p' }),
      idOf({ ...failure, tenant: 'acme2b', keyId: '3dE5gH7jK9mN1p' }),
    ]);
    expect(ids.size).toBe(7);
  });

  it('keep an attempt with an unknown key id out of every tenant, for a day', () => {
    const { event } = unknownKeyAttempt({ keyId: 'Zz3dE5gH7jK9mN1p', actor: undefined, sourceIp: '203.0.113.7' }, now);
    expect(event).toMatchObject({
      tenant: '-',
      keyId: 'Zz3dE5gH7jK9mN1p',
      actor: 'anonymous',
      action: 'authentication.failure',
      outcome: 'failure',
      details: { reason: 'unknown_key' },
    });
    expect(event.expiresAtEpoch).toBe(nowSeconds + DAY_SECONDS);
  });
});
