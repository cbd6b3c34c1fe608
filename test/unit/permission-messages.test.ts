import { describe, expect, it } from 'vitest';
import { narrowGrant, requireCanManage, requirePermission } from '#shared/domain/permissions.ts';
import { KeywardError } from '#shared/errors.ts';

const system = { type: 'system' as const, scopes: [] };
const privileged = { type: 'privileged' as const, scopes: ['billing:read'] };

/** The refusal `fn` throws. */
function refusal(fn: () => void): KeywardError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeywardError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('a refused permission', () => {
  it('says whether the key type lacks it or a token was narrowed below it', () => {
    expect(refusal(() => requirePermission({ type: 'viewer', scopes: [] }, 'keys:write')).message).toBe(
      "This call needs the 'keys:write' permission, and a viewer key does not have it.",
    );
    const narrowed = { type: 'privileged' as const, scopes: [], permissions: ['keys:read' as const] };
    expect(refusal(() => requirePermission(narrowed, 'keys:write')).message).toBe(
      "This call needs the 'keys:write' permission, and this token's scope does not include it.",
    );
  });
});

describe('a token asking for scopes its key does not hold', () => {
  it('is refused naming the one scope, and what the key does hold', () => {
    const error = refusal(() => narrowGrant(privileged, ['keys:read', 'keys:admin']));
    expect(error.code).toBe('request.invalid_scope');
    expect(error.message).toBe(
      "The key does not hold the scope 'keys:admin': ask only for scopes it holds (keys:read keys:write billing:read).",
    );
  });

  it('is refused naming every missing scope', () => {
    expect(refusal(() => narrowGrant(privileged, ['keys:admin', 'billing:write'])).message).toBe(
      "The key does not hold the scopes 'keys:admin', 'billing:write': ask only for scopes it holds (keys:read keys:write billing:read).",
    );
  });
});

describe('a refused change to a key', () => {
  it('calls granting new scopes to a system key a change', () => {
    expect(refusal(() => requireCanManage(privileged, system, 'grant')).message).toBe(
      "To change a system key you need the 'keys:admin' permission.",
    );
    expect(refusal(() => requireCanManage(privileged, system, 'change')).message).toBe(
      "To change a system key you need the 'keys:admin' permission.",
    );
    expect(refusal(() => requireCanManage(privileged, system, 'regenerate')).message).toBe(
      "To regenerate a system key you need the 'keys:admin' permission.",
    );
  });

  it('lists every scope the caller lacks, when creating a key as when granting', () => {
    const target = { type: 'viewer' as const, scopes: ['billing:write', 'billing:admin'] };
    expect(refusal(() => requireCanManage(privileged, target, 'create')).message).toBe(
      "You cannot grant scopes you do not hold yourself: 'billing:write', 'billing:admin'.",
    );
    expect(refusal(() => requireCanManage(privileged, target, 'grant')).message).toBe(
      "You cannot grant scopes you do not hold yourself: 'billing:write', 'billing:admin'.",
    );
    expect(refusal(() => requireCanManage(privileged, target, 'disable')).message).toBe(
      "You cannot disable a key that holds scopes you do not hold yourself: 'billing:write', 'billing:admin'.",
    );
  });
});
