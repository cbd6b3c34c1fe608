import { KeywardError } from '../errors.ts';

export const keyTypes = ['system', 'privileged', 'viewer'] as const;
export type KeyType = (typeof keyTypes)[number];

export const permissions = ['keys:read', 'keys:write', 'keys:admin'] as const;
export type Permission = (typeof permissions)[number];

const typeRank: Record<KeyType, number> = { viewer: 1, privileged: 2, system: 3 };

const typePermissions: Record<KeyType, readonly Permission[]> = {
  system: ['keys:read', 'keys:write', 'keys:admin'],
  privileged: ['keys:read', 'keys:write'],
  viewer: ['keys:read'],
};

/** What a credential may do: its key's type and custom scopes, narrowed to `permissions` when a token asked for less. */
export interface Grant {
  type: KeyType;
  scopes: readonly string[];
  permissions?: readonly Permission[] | undefined;
}

const permissionsOf = (grant: Grant) => grant.permissions ?? typePermissions[grant.type];

/** Everything a key of this type and these custom scopes is allowed, as carried in a token's `scope`. */
export function grantedScopes(grant: Grant): string[] {
  return [...permissionsOf(grant), ...grant.scopes];
}

export const hasPermission = (grant: Grant, permission: Permission) => permissionsOf(grant).includes(permission);

/** Refuses a caller that lacks `permission`, naming it so the fix is obvious. */
export function requirePermission(grant: Grant, permission: Permission): void {
  if (!hasPermission(grant, permission)) {
    const lacking = typePermissions[grant.type].includes(permission)
      ? "this token's scope does not include it"
      : `a ${grant.type} key does not have it`;
    throw new KeywardError('auth.forbidden', `This call needs the '${permission}' permission, and ${lacking}.`);
  }
}

/**
 * The part of `grant` that `requested` names: a token asks for a subset of what its key
 * holds (RFC 6749 3.3). Every requested scope must be held, or the request is refused.
 */
export function narrowGrant(grant: Grant, requested: readonly string[]): Grant {
  const held = grantedScopes(grant);
  const missing = requested.filter((scope) => !held.includes(scope));
  if (missing.length > 0) {
    throw new KeywardError(
      'request.invalid_scope',
      `The key does not hold the scope${missing.length > 1 ? 's' : ''} ${missing.map((s) => `'${s}'`).join(', ')}: ask only for scopes it holds (${held.join(' ')}).`,
      {
        oauthError: 'invalid_scope',
      },
    );
  }
  return {
    type: grant.type,
    permissions: permissionsOf(grant).filter((permission) => requested.includes(permission)),
    scopes: grant.scopes.filter((scope) => requested.includes(scope)),
  };
}

/** What a caller does to a key, to say exactly what was refused; `grant` gives an existing key new scopes. */
export type KeyAction = 'create' | 'grant' | 'change' | 'enable' | 'disable' | 'regenerate' | 'revoke' | 'delete';

/**
 * The no-escalation rule: a caller may create or change only keys that rank no higher
 * than its own and whose custom scopes it holds itself; `keys:admin` holders may grant
 * any custom scope, and only they may manage `system` keys.
 */
export function requireCanManage(caller: Grant, target: Grant, action: KeyAction): void {
  const admin = hasPermission(caller, 'keys:admin');
  const verb = action === 'grant' ? 'change' : action;
  if (target.type === 'system' && !admin) {
    throw new KeywardError('auth.forbidden', `To ${verb} a system key you need the 'keys:admin' permission.`);
  }
  if (typeRank[target.type] > typeRank[caller.type]) {
    throw new KeywardError('auth.forbidden', `A ${caller.type} key cannot ${verb} a ${target.type} key.`);
  }
  if (admin) return;
  const missing = target.scopes.filter((scope) => !caller.scopes.includes(scope));
  if (missing.length > 0) {
    const list = missing.map((s) => `'${s}'`).join(', ');
    throw new KeywardError(
      'auth.forbidden',
      action === 'create' || action === 'grant'
        ? `You cannot grant scopes you do not hold yourself: ${list}.`
        : `You cannot ${verb} a key that holds scopes you do not hold yourself: ${list}.`,
    );
  }
}
