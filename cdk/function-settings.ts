import type { FunctionName } from './function-access.ts';

/** How one function runs; what it may access is in cdk/function-access.ts. */
export interface FunctionSettings {
  memorySize: number;
  timeoutSeconds: number;
  /** `service`: the whole Keyward configuration; `authorizer`: only what verifying a token needs. */
  environment: 'service' | 'authorizer';
  /** Takes the stage's `tokenRouteReservedConcurrency`. */
  reservedConcurrency: boolean;
  /** Reads the trusted identity providers (KEYWARD_IDENTITY_PROVIDERS): the token exchange and the sign-in list. */
  identityProviders: boolean;
}

/**
 * Memory buys CPU (a full vCPU at 1,769 MB), and a warm call and a cold start are mostly CPU
 * besides the one DynamoDB call: `npm run bench` measures each route's CPU per call and
 * estimates its duration and cost per size (README, "Memory per function"). Every route gets
 * 1,024 MB: at 512 MB a cold start's import takes about twice as long, for a saving of about
 * $0.01 to $0.02 per million calls.
 */
const standard: FunctionSettings = {
  memorySize: 1024,
  timeoutSeconds: 10,
  environment: 'service',
  reservedConcurrency: false,
  identityProviders: false,
};
/**
 * Uses of keys sit on callers' request paths: a full vCPU for the token routes and the key
 * authorizer (signing and the SDK are CPU), and the token routes' own share of the account's
 * concurrency.
 */
const fullVcpu = 1769;
const tokenRoute: FunctionSettings = { ...standard, memorySize: fullVcpu, reservedConcurrency: true };
/** Jobs and stream or log steps: nobody waits on them. */
const background: FunctionSettings = { ...standard, memorySize: 512 };

/** Per function, by handler name: a function without an entry does not compile. */
export const functionSettings: Record<FunctionName, FunctionSettings> = {
  authenticate: tokenRoute,
  // Exchanges people's subject tokens as well as keys.
  'oauth-token': { ...tokenRoute, identityProviders: true },
  'create-key': standard,
  'list-keys': standard,
  'get-key': standard,
  'update-key': standard,
  'delete-key': standard,
  'regenerate-key': standard,
  'revoke-key': standard,
  'reveal-key': standard,
  'verify-key': standard,
  'report-leak': standard,
  'github-secret-scanning': standard,
  whoami: standard,
  // Revokes up to every key of a tenant in one call: as long as API Gateway waits (29 s).
  'revoke-all-keys': { ...standard, timeoutSeconds: 29 },
  'get-tenant-policy': standard,
  'key-usage': standard,
  'tenant-usage': standard,
  'put-tenant-policy': standard,
  'list-people': standard,
  'sign-out-person': standard,
  'sign-in-providers': { ...standard, identityProviders: true },
  audit: standard,
  jwks: standard,
  'openid-configuration': standard,
  'oauth-authorization-server': standard,
  openapi: standard,
  // Walks the purge index page by page in one run.
  'purge-expired-keys': { ...background, timeoutSeconds: 300 },
  'rotate-signing-key': background,
  // Walks a week of the purge index in one run.
  'notify-expiring-keys': { ...background, timeoutSeconds: 300 },
  'token-authorizer': { ...standard, environment: 'authorizer' },
  'key-authorizer': { ...standard, memorySize: fullVcpu },
  'shape-audit-events': { ...background, environment: 'authorizer' },
  // Sums a batch of log lines and writes a few counters: a minute for a large batch.
  'count-uses': { ...background, timeoutSeconds: 60 },
  // Three calls to GitHub of at most 5 s each, and the leak's writes.
  'github-alert-worker': { ...background, timeoutSeconds: 30 },
};
