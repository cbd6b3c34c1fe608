import * as z from 'zod/mini';
import { tenantPattern } from './tenant.ts';

/** What a person may do in a tenant, granted by the groups their identity provider puts them in. */
export const roles = ['admin', 'manager', 'creator', 'viewer'] as const;
export type Role = (typeof roles)[number];

/** Several groups of one tenant give the highest of their roles. */
export const roleRank: Record<Role, number> = { viewer: 1, creator: 2, manager: 3, admin: 4 };

const customScope = z.string().check(z.regex(/^[a-z][a-z0-9:._-]{0,63}$/, 'must be a custom scope such as billing:read'));

const groupGrant = z.strictObject({
  tenant: z.string().check(z.regex(tenantPattern, 'must be a tenant id')),
  role: z.enum(roles),
  scopes: z.optional(z.array(customScope).check(z.maxLength(50))),
});
export type GroupGrant = z.output<typeof groupGrant>;

/**
 * One trusted OpenID Provider, set per deployment and never taken from a request. A person's
 * Keyward id is `<id>:<sub>`. `groups` maps exact group names to a tenant and role;
 * `groupPattern` (such as `keyward-{tenant}-{role}s`) maps every group of that shape, for
 * tenants created after the deployment. `audienceClaim: "client_id"` matches `audiences`
 * on the `client_id` claim, for providers whose access tokens carry no `aud` (Cognito).
 */
export const identityProviderSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be 1-31 lowercase letters, digits or dashes, starting with a letter')),
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  issuer: z.url(),
  audiences: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  audienceClaim: z._default(z.enum(['aud', 'client_id']), 'aud'),
  consoleClientId: z.optional(z.string().check(z.minLength(1))),
  cliClientId: z.optional(z.string().check(z.minLength(1))),
  groupsClaim: z._default(z.string().check(z.minLength(1)), 'groups'),
  groups: z._default(z.record(z.string().check(z.minLength(1)), groupGrant), {}),
  groupPattern: z.optional(
    z
      .string()
      .check(
        z.refine(
          (p) => p.includes('{tenant}') && p.includes('{role}'),
          'must hold both {tenant} and {role}, such as keyward-{tenant}-{role}s',
        ),
      ),
  ),
});
export type IdentityProvider = z.output<typeof identityProviderSchema>;

export const identityProvidersSchema = z
  .array(identityProviderSchema)
  .check(z.refine((providers) => new Set(providers.map((p) => p.id)).size === providers.length, 'each provider needs an id of its own'));

/** What a person holds in one tenant: the highest role among their groups there, and the union of their scopes. */
export interface TenantMembership {
  tenant: string;
  role: Role;
  scopes: string[];
}

/**
 * The tenants a person's groups give them. A group named in `groups` maps as written; one of
 * the shape of `groupPattern` maps to the tenant and role it spells; any other is ignored.
 */
export function membershipsOf(provider: IdentityProvider, groups: readonly string[]): TenantMembership[] {
  const pattern = provider.groupPattern === undefined ? undefined : patternRegex(provider.groupPattern);
  const byTenant = new Map<string, TenantMembership>();
  for (const group of groups) {
    const grant: GroupGrant | undefined = Object.hasOwn(provider.groups, group) ? provider.groups[group] : fromPattern(pattern, group);
    if (!grant) continue;
    const held = byTenant.get(grant.tenant);
    if (!held) {
      byTenant.set(grant.tenant, { tenant: grant.tenant, role: grant.role, scopes: [...(grant.scopes ?? [])] });
      continue;
    }
    if (roleRank[grant.role] > roleRank[held.role]) held.role = grant.role;
    held.scopes = [...new Set([...held.scopes, ...(grant.scopes ?? [])])];
  }
  return [...byTenant.values()];
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternRegex(pattern: string): RegExp {
  const source = pattern
    .split(/(\{tenant\}|\{role\})/)
    .map((part) =>
      part === '{tenant}' ? '(?<tenant>[a-z0-9][a-z0-9-]{1,62})' : part === '{role}' ? `(?<role>${roles.join('|')})` : escapeRegex(part),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

function fromPattern(pattern: RegExp | undefined, group: string): GroupGrant | undefined {
  const match = pattern?.exec(group)?.groups;
  if (!match?.tenant || !match.role || !tenantPattern.test(match.tenant)) return undefined;
  return { tenant: match.tenant, role: match.role as Role };
}
