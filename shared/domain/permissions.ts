import { KeywardError } from '../errors.ts';
import type { Role } from './identity.ts';

/** `client` keys hold no Keyward permission at all: only their custom scopes, for your own APIs. */
export const keyTypes = ['system', 'privileged', 'viewer', 'client'] as const;
export type KeyType = (typeof keyTypes)[number];

/** `keys:create` is the creator's: create keys, and manage only the keys one owns. */
export const permissions = ['keys:read', 'keys:write', 'keys:admin', 'keys:create'] as const;
export type Permission = (typeof permissions)[number];

const typeRank: Record<KeyType, number> = { client: 0, viewer: 1, privileged: 2, system: 3 };

const typePermissions: Record<KeyType, readonly Permission[]> = {
  system: ['keys:read', 'keys:write', 'keys:admin'],
  privileged: ['keys:read', 'keys:write'],
  viewer: ['keys:read'],
  client: [],
};

/**
 * What a credential may do: a rank (its key's type, or for a person the key type their role
 * equals) and custom scopes, narrowed to `permissions` when a token asked for less. A person's
 * grant names their `role`; a creator's carries `onlyOwner`, the only owner whose keys it sees.
 */
export interface Grant {
  type: KeyType;
  scopes: readonly string[];
  permissions?: readonly Permission[] | undefined;
  role?: Role | undefined;
  onlyOwner?: string | undefined;
}

/** The rank and permissions of each role, as a grant; a creator's keys are `client` keys they own. */
export function roleGrant(role: Role, scopes: readonly string[], personId: string): Grant {
  switch (role) {
    case 'admin':
      return { type: 'system', scopes, role };
    case 'manager':
      return { type: 'privileged', scopes, role };
    case 'viewer':
      return { type: 'viewer', scopes, role };
    case 'creator':
      return { type: 'client', scopes, role, permissions: ['keys:create'], onlyOwner: personId };
  }
}

/** "A viewer key" or, for a person, "A creator": who a refusal is about. */
const holder = (grant: Grant) => (grant.role ? `a ${grant.role}` : `a ${grant.type} key`);

const permissionsOf = (grant: Grant) => grant.permissions ?? typePermissions[grant.type];

/** Everything a key of this type and these custom scopes is allowed, as carried in a token's `scope`. */
export function grantedScopes(grant: Grant): string[] {
  return [...permissionsOf(grant), ...grant.scopes];
}

export const hasPermission = (grant: Grant, permission: Permission) => permissionsOf(grant).includes(permission);

/** Refuses a caller that lacks `permission`, naming it so the fix is obvious. */
export function requirePermission(grant: Grant, permission: Permission): void {
  // A creator reads and changes keys, but only its own: the services narrow every lookup to its owner id.
  const ownKeysOnly = grant.onlyOwner !== undefined && hasPermission(grant, 'keys:create');
  if (ownKeysOnly && (permission === 'keys:read' || permission === 'keys:write')) return;
  if (!hasPermission(grant, permission)) {
    const held = grant.role ? permissionsOf(roleGrant(grant.role, [], '')) : typePermissions[grant.type];
    const reason = held.includes(permission) ? "this token's scope does not include it" : `${holder(grant)} does not have it`;
    throw new KeywardError('auth.forbidden', `This call needs the '${permission}' permission, and ${reason}.`);
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
    role: grant.role,
    onlyOwner: grant.onlyOwner,
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
    const who = holder(caller);
    throw new KeywardError('auth.forbidden', `${who[0]!.toUpperCase()}${who.slice(1)} cannot ${verb} a ${target.type} key.`);
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
