import { describe, expect, it } from 'vitest';
import { grantedScopes, hasPermission, requireCanManage, requirePermission } from '#shared/domain/permissions.ts';
import { effectiveStatus } from '#shared/domain/key-status.ts';
import { KeywardError } from '#shared/errors.ts';

const system = { type: 'system' as const, scopes: [] };
const privileged = { type: 'privileged' as const, scopes: ['billing:read'] };
const viewer = { type: 'viewer' as const, scopes: ['billing:read'] };

const forbidden = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KeywardError);
    return (error as KeywardError).code;
  }
  return 'allowed';
};

describe('permissions by key type', () => {
  it('gives system keys read, write and admin, privileged read and write, viewers read', () => {
    expect(grantedScopes(system)).toEqual(['keys:read', 'keys:write', 'keys:admin']);
    expect(grantedScopes(privileged)).toEqual(['keys:read', 'keys:write', 'billing:read']);
    expect(grantedScopes(viewer)).toEqual(['keys:read', 'billing:read']);
    expect(hasPermission(viewer, 'keys:write')).toBe(false);
  });

  it('names the missing permission', () => {
    expect(() => requirePermission(viewer, 'keys:write')).toThrow(/'keys:write'/);
  });
});

describe('no privilege escalation', () => {
  it('lets a caller create keys of its own rank or lower with scopes it holds', () => {
    expect(forbidden(() => requireCanManage(privileged, { type: 'privileged', scopes: ['billing:read'] }, 'create'))).toBe('allowed');
    expect(forbidden(() => requireCanManage(privileged, { type: 'viewer', scopes: [] }, 'create'))).toBe('allowed');
  });

  it('refuses a higher type, a scope the caller lacks, and system keys to non-admins', () => {
    expect(forbidden(() => requireCanManage(viewer, { type: 'privileged', scopes: [] }, 'create'))).toBe('auth.forbidden');
    expect(forbidden(() => requireCanManage(privileged, { type: 'viewer', scopes: ['billing:write'] }, 'create'))).toBe('auth.forbidden');
    expect(forbidden(() => requireCanManage(privileged, system, 'create'))).toBe('auth.forbidden');
  });

  it('says what was refused: granting scopes, or acting on a key that holds them', () => {
    const holder = { type: 'privileged', scopes: ['billing:write'] } as const;
    expect(() => requireCanManage(privileged, holder, 'grant')).toThrow(
      "You cannot grant scopes you do not hold yourself: 'billing:write'.",
    );
    expect(() => requireCanManage(privileged, holder, 'revoke')).toThrow(
      "You cannot revoke a key that holds scopes you do not hold yourself: 'billing:write'.",
    );
    expect(() => requireCanManage(privileged, holder, 'delete')).toThrow(
      "You cannot delete a key that holds scopes you do not hold yourself: 'billing:write'.",
    );
    expect(() => requireCanManage(viewer, { type: 'privileged', scopes: [] }, 'revoke')).toThrow(
      'A viewer key cannot revoke a privileged key.',
    );
  });

  it('lets keys:admin holders grant any custom scope', () => {
    expect(forbidden(() => requireCanManage(system, { type: 'privileged', scopes: ['anything:at-all'] }, 'create'))).toBe('allowed');
  });
});

describe('key status', () => {
  const now = new Date('2026-11-23T10:00:00.000Z');
  it('is expired the moment expiresAt passes, even before any purge', () => {
    expect(effectiveStatus({ status: 'active', expiresAt: '2026-11-23T10:00:00.000Z' }, now)).toBe('expired');
    expect(effectiveStatus({ status: 'active', expiresAt: '2026-11-23T10:00:00.001Z' }, now)).toBe('active');
    expect(effectiveStatus({ status: 'disabled', expiresAt: '2026-11-22T10:00:00.000Z' }, now)).toBe('expired');
  });

  it('keeps revocation final over expiry', () => {
    expect(effectiveStatus({ status: 'revoked', expiresAt: '2026-11-22T10:00:00.000Z' }, now)).toBe('revoked');
  });
});
