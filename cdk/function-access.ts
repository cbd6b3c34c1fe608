import type { SealContext } from '../shared/ports.ts';
import { jobs, routes } from '../shared/http/routes.ts';

type Purpose = SealContext['purpose'];
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem';
export type QueryTarget = 'table' | 'byTenant' | 'byPurgeTime';

/** A function of the stack, by its file name in functions/: one per route, one per job, and the downstream authorizer. */
export type FunctionName = (typeof routes)[keyof typeof routes]['handler'] | (typeof jobs)[keyof typeof jobs]['handler'] | OtherFunction;

/**
 * Functions that are neither routes nor jobs: the authorizers for your own APIs (one verifies
 * tokens offline, the other checks keys with every usage control), the step of the events
 * pipe that shapes audit items into events, the counter of the uses the functions log, and
 * the worker of GitHub's secret-scanning alerts.
 */
export const otherFunctions = ['token-authorizer', 'key-authorizer', 'shape-audit-events', 'count-uses', 'github-alert-worker'] as const;
type OtherFunction = (typeof otherFunctions)[number];

/** What one function may do: DynamoDB actions on items, queries, and sealing purposes of the secrets key. */
export interface FunctionAccess {
  items: ItemAction[];
  query: QueryTarget[];
  decrypt: Purpose[];
  encrypt: Purpose[];
}

const none: FunctionAccess = { items: [], query: [], decrypt: [], encrypt: [] };

/**
 * Every authenticated call reads the caller's key, may record `lastUsedAt` and audit a
 * failed attempt, and opens the pepper. Verifying a token needs only public keys.
 */
const authenticated: FunctionAccess = { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] };
const issuesTokens: FunctionAccess = { ...authenticated, decrypt: ['pepper', 'signing-key'] };

/**
 * Least privilege per function, by handler name. Transactions need the item actions of
 * their parts; nothing may Scan; only the functions that seal may call kms:Encrypt.
 * Keyed by every function name: a function without an entry does not compile.
 */
export const functionAccess: Record<FunctionName, FunctionAccess> = {
  authenticate: issuesTokens,
  'oauth-token': issuesTokens,
  'create-key': {
    items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    query: [],
    decrypt: ['pepper', 'idempotent-response'],
    encrypt: ['recoverable-key', 'idempotent-response'],
  },
  'list-keys': { ...authenticated, query: ['byTenant'] },
  'get-key': authenticated,
  'update-key': authenticated,
  'delete-key': { ...authenticated, items: ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'] },
  'regenerate-key': { ...authenticated, encrypt: ['recoverable-key'] },
  'revoke-key': authenticated,
  'reveal-key': { ...authenticated, decrypt: ['pepper', 'recoverable-key'] },
  'verify-key': authenticated,
  // Reads the reported key, and revokes or disables it (or the tenant's system key) with its audit events.
  'report-leak': authenticated,
  // Records each delivery id, and forgets one it could not queue: it opens no secret of the table.
  'github-secret-scanning': { ...none, items: ['PutItem', 'DeleteItem'] },
  whoami: authenticated,
  'revoke-all-keys': { ...authenticated, query: ['byTenant'] },
  'key-usage': { ...authenticated, query: ['table'] },
  'tenant-usage': { ...authenticated, query: ['byTenant'] },
  'get-tenant-policy': authenticated,
  'put-tenant-policy': authenticated,
  'list-people': { ...authenticated, query: ['byTenant'] },
  // Marks the person signed out with its audit event in one transaction, then reads them back.
  'sign-out-person': authenticated,
  // Answers from its configuration alone.
  'sign-in-providers': none,
  audit: { ...authenticated, query: ['table', 'byTenant'] },
  jwks: { ...none, items: ['GetItem'] },
  'openid-configuration': none,
  'oauth-authorization-server': none,
  openapi: none,
  'purge-expired-keys': { items: ['DeleteItem', 'PutItem'], query: ['byPurgeTime'], decrypt: [], encrypt: [] },
  // Reads the purge index and each key, marks a notice on the key with its audit event.
  'notify-expiring-keys': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: ['byPurgeTime'], decrypt: [], encrypt: [] },
  'rotate-signing-key': { items: ['GetItem', 'PutItem'], query: [], decrypt: [], encrypt: ['signing-key'] },
  'token-authorizer': none,
  // A use of a key: read it (and its tenant's policy), count the use, count a failure, and audit a
  // system key's use under break-glass. Nothing else.
  'key-authorizer': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  // Turns the stream records it is handed into events: it reads and writes nothing itself.
  'shape-audit-events': none,
  // Adds batches of recorded uses to the usage counters, with a mark per batch: a transaction of updates and one put.
  'count-uses': { ...none, items: ['UpdateItem', 'PutItem'] },
  // Deals with a leaked key as report-leak does.
  'github-alert-worker': authenticated,
};

/** Every function the stack deploys, in route-table order, then the jobs, then the authorizer. */
export const functionNames: FunctionName[] = [
  ...new Set<FunctionName>([
    ...Object.values(routes).map((route) => route.handler),
    ...Object.values(jobs).map((job) => job.handler),
    ...otherFunctions,
  ]),
];
