import type { z } from 'zod/mini';
import type { Permission } from '../domain/permissions.ts';
import * as s from './schemas.ts';

/*
 * Each route of the API, one constant per route named by its operation id. A function imports
 * its own route from here, so its bundle holds that route and its schemas only; the table of
 * every route (`routes` in routes.ts) is composed from these constants for the local server,
 * the CDK stack, the OpenAPI document and tests. Change or add a route here, then list it there.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  method: HttpMethod;
  /** API Gateway resource path, with `{param}` placeholders. */
  path: string;
  /** File name in `functions/` (without `.ts`): one Lambda function per route. */
  handler: string;
  /** `public`: no credential; `any`: any valid credential; otherwise the permission needed. */
  access: 'public' | 'any' | Permission;
  summary: string;
  /**
   * The body's media type, when the route takes one. `webhook`: JSON handed to the handler
   * as the raw text, since its signature covers the bytes as they were sent.
   */
  bodyType?: 'json' | 'form' | 'webhook';
  /** Bodies over this are refused (413); `MAX_BODY_BYTES` when not given. */
  maxBodyBytes?: number;
  body?: z.ZodMiniType;
  query?: z.ZodMiniType;
  params?: z.ZodMiniType;
  /** Success status and body schema (none for 204). */
  success: { status: number; schema?: z.ZodMiniType; description: string };
  /** OAuth routes answer errors in RFC 6749 form. */
  errorFormat?: 'oauth';
  /** Takes an `Idempotency-Key` header. */
  idempotent?: boolean;
  /** Reads the usage counters, which recorded uses reach in batches (the local server counts them first). */
  readsUsage?: boolean;
  /** OpenAPI tags. */
  tags: readonly string[];
}

export const authenticate = {
  method: 'POST',
  path: '/v1/authentication',
  handler: 'authenticate',
  access: 'public',
  tags: ['Tokens'],
  summary: 'Exchange an API key for a short-lived access token',
  bodyType: 'json',
  body: s.authenticationRequest,
  success: { status: 200, schema: s.authenticationResponse, description: 'A bearer token' },
} as const satisfies RouteDefinition;

export const oauthToken = {
  method: 'POST',
  path: '/v1/oauth/token',
  handler: 'oauth-token',
  access: 'public',
  tags: ['Tokens'],
  summary: "OAuth 2.0 client credentials grant (RFC 6749 4.4), or a person's token exchange (RFC 8693)",
  bodyType: 'form',
  body: s.oauthTokenRequest,
  errorFormat: 'oauth',
  success: { status: 200, schema: s.oauthTokenResponse, description: 'An OAuth token response' },
} as const satisfies RouteDefinition;

export const jwks = {
  method: 'GET',
  path: '/.well-known/jwks.json',
  handler: 'jwks',
  access: 'public',
  tags: ['Tokens'],
  summary: 'Public keys that verify Keyward tokens',
  success: { status: 200, schema: s.jwksResponse, description: 'A JSON Web Key Set' },
} as const satisfies RouteDefinition;

export const openIdConfiguration = {
  method: 'GET',
  path: '/.well-known/openid-configuration',
  handler: 'openid-configuration',
  access: 'public',
  tags: ['Tokens'],
  summary: 'Discovery document for standard JWT validators',
  success: { status: 200, schema: s.openIdConfigurationResponse, description: 'OpenID provider metadata' },
} as const satisfies RouteDefinition;

export const oauthAuthorizationServer = {
  method: 'GET',
  path: '/.well-known/oauth-authorization-server',
  handler: 'oauth-authorization-server',
  access: 'public',
  tags: ['Tokens'],
  summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
  success: { status: 200, schema: s.openIdConfigurationResponse, description: 'Authorization server metadata' },
} as const satisfies RouteDefinition;

export const openApi = {
  method: 'GET',
  path: '/openapi.json',
  handler: 'openapi',
  access: 'public',
  tags: ['Meta'],
  summary: 'This API described as OpenAPI 3.1',
  success: { status: 200, description: 'An OpenAPI 3.1 document' },
} as const satisfies RouteDefinition;

export const createKey = {
  method: 'POST',
  path: '/v1/keys',
  handler: 'create-key',
  access: 'keys:write',
  tags: ['Keys'],
  summary: 'Create a key; its secret is shown only in this answer',
  bodyType: 'json',
  body: s.createKeyRequest,
  idempotent: true,
  success: { status: 201, schema: s.issuedKeyResponse, description: 'The new key and its secret' },
} as const satisfies RouteDefinition;

export const listKeys = {
  method: 'GET',
  path: '/v1/keys',
  handler: 'list-keys',
  access: 'keys:read',
  tags: ['Keys'],
  summary: 'List or search keys of your tenant by creation time, newest first unless order=asc',
  query: s.listKeysQuery,
  success: { status: 200, schema: s.keyListResponse, description: 'A page of keys' },
} as const satisfies RouteDefinition;

export const keyUsage = {
  method: 'GET',
  path: '/v1/keys/{keyId}/usage',
  handler: 'key-usage',
  access: 'keys:read',
  tags: ['Usage'],
  summary: 'Uses of one key by outcome, per hour or day',
  params: s.keyIdParams,
  query: s.usageQuery,
  readsUsage: true,
  success: { status: 200, schema: s.keyUsageResponse, description: 'Buckets oldest first, empty ones included, and totals' },
} as const satisfies RouteDefinition;

export const tenantUsage = {
  method: 'GET',
  path: '/v1/usage',
  handler: 'tenant-usage',
  access: 'keys:read',
  tags: ['Usage'],
  summary: 'Uses of every key of your tenant by outcome, per hour or day, and the 10 most used keys',
  query: s.usageQuery,
  readsUsage: true,
  success: { status: 200, schema: s.tenantUsageResponse, description: 'Buckets oldest first, totals, and the top keys' },
} as const satisfies RouteDefinition;

export const revokeAllKeys = {
  method: 'POST',
  path: '/v1/keys/revoke-all',
  handler: 'revoke-all-keys',
  access: 'keys:admin',
  tags: ['Keys'],
  summary: 'Revoke every active or disabled non-system key of your tenant, by type and/or owner (safe to repeat)',
  bodyType: 'json',
  body: s.revokeAllRequest,
  success: { status: 200, schema: s.revokeAllResponse, description: 'How many keys this call revoked' },
} as const satisfies RouteDefinition;

export const getTenantPolicy = {
  method: 'GET',
  path: '/v1/tenant/policy',
  handler: 'get-tenant-policy',
  access: 'keys:read',
  tags: ['Tenant'],
  summary: "Your tenant's policy for every key",
  success: { status: 200, schema: s.tenantPolicySchema, description: 'The policy' },
} as const satisfies RouteDefinition;

export const putTenantPolicy = {
  method: 'PUT',
  path: '/v1/tenant/policy',
  handler: 'put-tenant-policy',
  access: 'keys:admin',
  tags: ['Tenant'],
  summary: "Replace your tenant's policy (audited as tenant.policy_update)",
  bodyType: 'json',
  body: s.tenantPolicySchema,
  success: { status: 200, schema: s.tenantPolicySchema, description: 'The policy now in force' },
} as const satisfies RouteDefinition;

export const verifyKey = {
  method: 'POST',
  path: '/v1/keys/verify',
  handler: 'verify-key',
  access: 'keys:read',
  tags: ['Keys'],
  summary: 'Check whether an API key or token of your tenant is valid now',
  bodyType: 'json',
  body: s.verifyRequest,
  success: { status: 200, schema: s.verifyResponse, description: 'The verdict' },
} as const satisfies RouteDefinition;

export const getKey = {
  method: 'GET',
  path: '/v1/keys/{keyId}',
  handler: 'get-key',
  access: 'keys:read',
  tags: ['Keys'],
  summary: 'Get one key',
  params: s.keyIdParams,
  success: { status: 200, schema: s.keyViewSchema, description: 'The key' },
} as const satisfies RouteDefinition;

export const updateKey = {
  method: 'PATCH',
  path: '/v1/keys/{keyId}',
  handler: 'update-key',
  access: 'keys:write',
  tags: ['Keys'],
  summary: 'Rename, describe, enable or disable a key, or change its scopes',
  params: s.keyIdParams,
  bodyType: 'json',
  body: s.updateKeyRequest,
  success: { status: 200, schema: s.keyViewSchema, description: 'The changed key' },
} as const satisfies RouteDefinition;

export const deleteKey = {
  method: 'DELETE',
  path: '/v1/keys/{keyId}',
  handler: 'delete-key',
  access: 'keys:write',
  tags: ['Keys'],
  summary: 'Delete a key for good',
  params: s.keyIdParams,
  success: { status: 204, description: 'Deleted' },
} as const satisfies RouteDefinition;

export const regenerateKey = {
  method: 'POST',
  path: '/v1/keys/{keyId}/regenerate',
  handler: 'regenerate-key',
  access: 'keys:write',
  tags: ['Keys'],
  summary: 'Issue a new secret for the same key id, with an optional grace period for the old one',
  params: s.keyIdParams,
  bodyType: 'json',
  body: s.regenerateKeyRequest,
  success: { status: 200, schema: s.issuedKeyResponse, description: 'The key and its new secret' },
} as const satisfies RouteDefinition;

export const revokeKey = {
  method: 'POST',
  path: '/v1/keys/{keyId}/revoke',
  handler: 'revoke-key',
  access: 'keys:write',
  tags: ['Keys'],
  summary: 'Revoke a key, irreversibly',
  params: s.keyIdParams,
  bodyType: 'json',
  body: s.revokeKeyRequest,
  success: { status: 200, schema: s.keyViewSchema, description: 'The revoked key' },
} as const satisfies RouteDefinition;

export const revealKey = {
  method: 'GET',
  path: '/v1/keys/{keyId}/secret',
  handler: 'reveal-key',
  access: 'keys:admin',
  tags: ['Keys'],
  summary: 'Reveal the full key of a recoverable key (audited)',
  params: s.keyIdParams,
  success: { status: 200, schema: s.revealResponse, description: 'The full key' },
} as const satisfies RouteDefinition;

export const whoami = {
  method: 'GET',
  path: '/v1/whoami',
  handler: 'whoami',
  access: 'any',
  tags: ['Keys'],
  summary: 'Describe the credential of this call',
  success: { status: 200, schema: s.whoamiResponse, description: 'The caller' },
} as const satisfies RouteDefinition;

export const listPeople = {
  method: 'GET',
  path: '/v1/people',
  handler: 'list-people',
  access: 'keys:admin',
  tags: ['People'],
  summary: 'Everyone who has signed in to your tenant, newest seen first',
  query: s.peopleQuery,
  success: { status: 200, schema: s.peopleListResponse, description: 'A page of people' },
} as const satisfies RouteDefinition;

export const signOutPerson = {
  method: 'POST',
  path: '/v1/people/{personId}/sign-out',
  handler: 'sign-out-person',
  access: 'keys:admin',
  tags: ['People'],
  summary: 'End every token the person holds now; they may sign in again while their groups allow',
  params: s.personIdParams,
  success: { status: 200, schema: s.personResponse, description: 'The person, signed out' },
} as const satisfies RouteDefinition;

export const reportLeak = {
  method: 'POST',
  path: '/v1/keys/report-leak',
  handler: 'report-leak',
  access: 'public',
  tags: ['Keys'],
  summary:
    "Report a Keyward key you found where it should not be: a valid key is dealt with by its tenant's onLeak policy; the answer is the same whatever the key",
  bodyType: 'json',
  body: s.leakReportRequest,
  success: { status: 202, schema: s.leakReportResponse, description: 'The report is received (always the same answer)' },
} as const satisfies RouteDefinition;

export const githubSecretScanning = {
  method: 'POST',
  path: '/v1/integrations/github/secret-scanning',
  handler: 'github-secret-scanning',
  access: 'public',
  tags: ['Keys'],
  summary:
    "GitHub's secret_scanning_alert webhook, signed in X-Hub-Signature-256: a leaked Keyward key is dealt with by its tenant's onLeak policy and the alert resolved as revoked",
  bodyType: 'webhook',
  // GitHub's alert payloads are far larger than any request of the API's own: 1 MiB (a literal, so bundles drop the route).
  maxBodyBytes: 1_048_576,
  success: { status: 200, schema: s.webhookReceivedResponse, description: 'The delivery is received (and a new alert queued)' },
} as const satisfies RouteDefinition;

export const signInProviders = {
  method: 'GET',
  path: '/v1/sign-in/providers',
  handler: 'sign-in-providers',
  access: 'public',
  tags: ['People'],
  summary: 'The identity providers people sign in with, for the console and the CLI to start a sign-in',
  success: { status: 200, schema: s.signInProvidersResponse, description: 'The trusted identity providers' },
} as const satisfies RouteDefinition;

export const audit = {
  method: 'GET',
  path: '/v1/audit',
  handler: 'audit',
  access: 'keys:read',
  tags: ['Audit'],
  summary: 'Audit events of your tenant, newest first',
  query: s.auditQuery,
  success: { status: 200, schema: s.auditListResponse, description: 'A page of audit events' },
} as const satisfies RouteDefinition;
