import * as definitions from './route-definitions.ts';
import type { RouteDefinition } from './route-definitions.ts';

export type { HttpMethod, RouteDefinition } from './route-definitions.ts';

/**
 * The single source of truth for the HTTP surface: the local server routes with it, the
 * CDK stack builds API Gateway methods and functions from it, and the OpenAPI document
 * is generated from it. Keys are stable operation ids; each route is defined in
 * route-definitions.ts, where a function imports its own route without this table (and
 * without every other route's schemas).
 */
export const routes = {
  authenticate: definitions.authenticate,
  oauthToken: definitions.oauthToken,
  jwks: definitions.jwks,
  openIdConfiguration: definitions.openIdConfiguration,
  oauthAuthorizationServer: definitions.oauthAuthorizationServer,
  openApi: definitions.openApi,
  createKey: definitions.createKey,
  listKeys: definitions.listKeys,
  keyUsage: definitions.keyUsage,
  tenantUsage: definitions.tenantUsage,
  revokeAllKeys: definitions.revokeAllKeys,
  getTenantPolicy: definitions.getTenantPolicy,
  putTenantPolicy: definitions.putTenantPolicy,
  verifyKey: definitions.verifyKey,
  reportLeak: definitions.reportLeak,
  githubSecretScanning: definitions.githubSecretScanning,
  getKey: definitions.getKey,
  updateKey: definitions.updateKey,
  deleteKey: definitions.deleteKey,
  regenerateKey: definitions.regenerateKey,
  revokeKey: definitions.revokeKey,
  revealKey: definitions.revealKey,
  whoami: definitions.whoami,
  listPeople: definitions.listPeople,
  signOutPerson: definitions.signOutPerson,
  signInProviders: definitions.signInProviders,
  audit: definitions.audit,
} as const satisfies Record<string, RouteDefinition>;

export type RouteId = keyof typeof routes;
export const routeList: (RouteDefinition & { id: RouteId })[] = Object.entries(routes).map(([id, route]) => ({
  ...route,
  id: id as RouteId,
}));

/** Scheduled jobs: one function each, run by EventBridge in AWS and by the local server's timer. */
export const jobs = {
  purgeExpiredKeys: { handler: 'purge-expired-keys', schedule: 'rate(1 hour)', summary: 'Purge expired and revoked keys after retention' },
  rotateSigningKey: { handler: 'rotate-signing-key', schedule: 'rate(30 days)', summary: 'Rotate the token signing key' },
  notifyExpiringKeys: {
    handler: 'notify-expiring-keys',
    schedule: 'rate(1 day)',
    summary: 'Write key.expiring notices a week and a day before keys expire',
  },
} as const;
