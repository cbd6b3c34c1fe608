import type { FunctionName } from './function-access.ts';

/** How one function runs; what it may access is in cdk/function-access.ts. */
export interface FunctionSettings {
  memorySize: number;
  timeoutSeconds: number;
  /** `service`: the whole Keyward configuration; `authorizer`: only what verifying a token needs. */
  environment: 'service' | 'authorizer';
  /** Takes the stage's `tokenRouteReservedConcurrency`. */
  reservedConcurrency: boolean;
}

const standard: FunctionSettings = { memorySize: 512, timeoutSeconds: 10, environment: 'service', reservedConcurrency: false };
/**
 * RSA signing is CPU-bound: the token routes get more memory (and so a larger CPU share), and
 * their own share of the account's concurrency, and no more.
 */
const tokenRoute: FunctionSettings = { ...standard, memorySize: 1024, reservedConcurrency: true };

/** Per function, by handler name: a function without an entry does not compile. */
export const functionSettings: Record<FunctionName, FunctionSettings> = {
  authenticate: tokenRoute,
  'oauth-token': tokenRoute,
  'create-key': standard,
  'list-keys': standard,
  'get-key': standard,
  'update-key': standard,
  'delete-key': standard,
  'regenerate-key': standard,
  'revoke-key': standard,
  'reveal-key': standard,
  'verify-key': standard,
  whoami: standard,
  // Revokes up to every key of a tenant in one call: as long as API Gateway waits (29 s).
  'revoke-all-keys': { ...standard, timeoutSeconds: 29 },
  'get-tenant-policy': standard,
  'key-usage': standard,
  'tenant-usage': standard,
  'put-tenant-policy': standard,
  audit: standard,
  jwks: standard,
  'openid-configuration': standard,
  'oauth-authorization-server': standard,
  openapi: standard,
  // Walks the purge index page by page in one run.
  'purge-expired-keys': { ...standard, timeoutSeconds: 300 },
  'rotate-signing-key': standard,
  // Walks a week of the purge index in one run.
  'notify-expiring-keys': { ...standard, timeoutSeconds: 300 },
  'token-authorizer': { ...standard, environment: 'authorizer' },
  'key-authorizer': standard,
  'shape-audit-events': { ...standard, environment: 'authorizer' },
  // Sums a batch of log lines and writes a few counters: little memory, and a minute for a large batch.
  'count-uses': { ...standard, memorySize: 256, timeoutSeconds: 60 },
};
