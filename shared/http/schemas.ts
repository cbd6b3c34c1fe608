// The namespace import lets esbuild drop what is unused (`import { z }` pulls in all of zod).
import * as z from 'zod';
import { keyIdPattern } from '../domain/api-key.ts';
import { keyStatuses } from '../domain/key-status.ts';
import { keyTypes } from '../domain/permissions.ts';
import { isIpOrCidr } from '../domain/usage-controls.ts';
import { auditActions } from '../ports.ts';
import { errorStatus, oauthErrorCodes } from '../errors.ts';

/**
 * Builds a schema when this module loads. The call is marked pure, so a bundle that never uses
 * the schema leaves it out, zod calls and all: each function builds only its own route's schemas.
 * Every schema built at the top of this module goes through it.
 */
const schema = <T>(build: () => T): T => build();

const isoTime = /* @__PURE__ */ schema(() =>
  z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601 time', example: '2026-11-23T10:00:00.000Z' }),
);

export const keyIdSchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .regex(keyIdPattern, 'must be a 16-character key id (the part after the prefix in a preview), never a full API key')
    .meta({ description: 'Key id: safe to log and display', example: 'Ab3dE5gH7jK9mN1p' }),
);

const scopeSchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .regex(/^[a-z][a-z0-9:._-]{0,63}$/, 'must be 1-64 characters of a-z 0-9 : . _ -, starting with a letter')
    .refine((scope) => !scope.startsWith('keys:'), "'keys:' permissions come from the key type and cannot be given as custom scopes"),
);

const scopesSchema = /* @__PURE__ */ schema(() =>
  z.array(scopeSchema).max(50, 'at most 50 scopes').meta({ description: 'Custom scopes, opaque to Keyward, carried into tokens' }),
);
/**
 * Control characters (C0, DEL, C1) and bidirectional controls can rewrite a terminal or
 * disguise text when a name is shown, so text fields refuse them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control and direction characters is the point: text holding them is refused.
const unsafeText = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const plainText = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .refine(
      (text) => !unsafeText.test(text),
      'must not contain control characters (such as newlines or escapes) or bidirectional overrides',
    );

const nameSchema = /* @__PURE__ */ schema(() => plainText(100).pipe(z.string().trim().min(1, 'must not be empty')));
const descriptionSchema = /* @__PURE__ */ schema(() => plainText(500));

const apiKeyField = /* @__PURE__ */ schema(() =>
  z.string().min(1, 'must not be empty').max(200, 'is longer than any API key').meta({ description: 'The full API key' }),
);

const unknownFields = (hint: string) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys'
    ? `unknown field${(issue.keys?.length ?? 0) > 1 ? 's' : ''} ${issue.keys?.map((k) => `'${k}'`).join(', ')}: ${hint}`
    : undefined;

// ---- usage controls ----

const ownerIdSchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._@:|-]+$/, 'must be 1-128 characters of A-Z a-z 0-9 . _ @ : | -')
    .meta({ description: 'The user or customer in your own system the key belongs to', example: 'customer-42' }),
);

const metaSchema = /* @__PURE__ */ schema(() =>
  z
    .record(z.string().min(1).max(64), z.union([plainText(1024), z.number(), z.boolean(), z.null()]), {
      error: 'must be an object of strings, numbers, booleans or nulls',
    })
    .refine((meta) => JSON.stringify(meta).length <= 2048, 'must be at most 2 KiB as JSON')
    .meta({ description: 'Your own data, returned by verify and whoami (not put in tokens): at most 2 KiB as JSON, flat values only' }),
);

const rateLimitSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      limit: z.number().int().min(1).max(1_000_000).meta({ description: 'Uses allowed per window' }),
      windowSeconds: z
        .number()
        .int()
        .min(1)
        .max(86_400)
        .meta({ description: 'Window length; windows are aligned to multiples of it since the epoch' }),
    })
    .meta({ description: 'At most limit uses of the key per window' }),
);

const creditsSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      remaining: z.number().int().min(0).max(1_000_000_000),
      refill: z
        .strictObject({ amount: z.number().int().min(1).max(1_000_000_000), interval: z.enum(['daily', 'monthly']) })
        .optional()
        .meta({ description: 'Sets remaining to amount at 00:00 UTC daily, or on the 1st of the month, on the next use after' }),
    })
    .meta({ description: 'Each successful use costs 1; at 0 the key is refused until the next refill' }),
);

const cidrSchema = /* @__PURE__ */ schema(() =>
  z.string().max(64).refine(isIpOrCidr, 'must be an IPv4 or IPv6 address or CIDR block, such as 203.0.113.0/24'),
);
const allowedIpsSchema = /* @__PURE__ */ schema(() =>
  z
    .array(cidrSchema)
    .min(1, 'list at least one address, or send null to allow every address')
    .max(50, 'at most 50 entries')
    .meta({ description: 'Uses from any other source IP are refused' }),
);

const usageFields = {
  ownerId: ownerIdSchema,
  meta: metaSchema,
  rateLimit: rateLimitSchema,
  credits: creditsSchema,
  allowedIps: allowedIpsSchema,
};

// ---- requests ----

const creatorExpiryRule =
  'A key cannot outlive the key that creates it: a caller whose key expires must give an expiry no later than its own.';

const credentialHint = 'send {"apiKey": "<full key>"} or {"keyId": "...", "keySecret": "..."}';

export const authenticationRequest = /* @__PURE__ */ schema(() =>
  z
    .strictObject(
      {
        apiKey: apiKeyField.optional(),
        keyId: z.string().min(1).max(100).optional().meta({ description: 'The Key ID part, sent with keySecret' }),
        keySecret: z.string().min(1).max(200).optional().meta({ description: 'The Key Secret part (or the full key)' }),
        expiresIn: z
          .number()
          .int('must be a whole number of seconds')
          .min(60)
          .max(3600)
          .optional()
          .meta({ description: 'Token lifetime in seconds (default 900)' }),
      },
      {
        error: (issue) => {
          if (issue.code === 'unrecognized_keys' && issue.keys.some((k) => /user|pass|login|email/i.test(k))) {
            return `Keyward authenticates with an API key, not a username and password: ${credentialHint}`;
          }
          return unknownFields(credentialHint)(issue);
        },
      },
    )
    .superRefine((body, ctx) => {
      const pair = body.keyId !== undefined || body.keySecret !== undefined;
      if (body.apiKey !== undefined && pair)
        ctx.addIssue({ code: 'custom', path: ['apiKey'], message: `send either apiKey or keyId with keySecret, not both` });
      else if (body.apiKey === undefined && !pair)
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: `no credential in the body (a key sent in a header is not read here): ${credentialHint}`,
        });
      else if (body.keyId !== undefined && body.keySecret === undefined)
        ctx.addIssue({ code: 'custom', path: ['keySecret'], message: 'keyId needs keySecret beside it' });
      else if (body.keySecret !== undefined && body.keyId === undefined)
        ctx.addIssue({ code: 'custom', path: ['keyId'], message: 'keySecret needs keyId beside it' });
    }),
);

export const oauthTokenRequest = /* @__PURE__ */ schema(() =>
  z.object({
    grant_type: z.string().meta({ description: 'Must be client_credentials' }),
    client_id: z.string().max(100).optional().meta({ description: 'The key id (or use HTTP Basic auth)' }),
    client_secret: z.string().max(200).optional().meta({ description: 'The key secret or the full key (or use HTTP Basic auth)' }),
    scope: z
      .string()
      .max(4000)
      .optional()
      .meta({ description: "Space-separated scopes to narrow the token to, all held by the key (default: all of the key's scopes)" }),
  }),
);

export const createKeyRequest = /* @__PURE__ */ schema(() =>
  z
    .strictObject(
      {
        name: nameSchema,
        type: z.enum(['privileged', 'viewer'], {
          error: (issue) => (issue.input === 'system' ? 'system keys are created only by bootstrap' : "must be 'privileged' or 'viewer'"),
        }),
        scopes: scopesSchema.optional(),
        description: descriptionSchema.optional(),
        expiresInDays: z
          .number()
          .int('must be a whole number of days')
          .min(1)
          .max(3650)
          .optional()
          .meta({ description: `Lifetime in days. ${creatorExpiryRule}` }),
        expiresAt: isoTime.optional().meta({ description: `Expiry time, in the future. ${creatorExpiryRule}` }),
        recoverable: z.boolean().optional().meta({ description: 'Keep a KMS-sealed copy so keys:admin can reveal it later' }),
        ownerId: usageFields.ownerId.optional(),
        meta: usageFields.meta.optional(),
        rateLimit: usageFields.rateLimit.optional(),
        credits: usageFields.credits.optional(),
        allowedIps: usageFields.allowedIps.optional(),
      },
      {
        error: unknownFields(
          'allowed are name, type, scopes, description, expiresInDays, expiresAt, recoverable, ownerId, meta, rateLimit, credits, allowedIps',
        ),
      },
    )
    .refine((body) => body.expiresInDays === undefined || body.expiresAt === undefined, {
      path: ['expiresAt'],
      message: 'send expiresInDays or expiresAt, not both',
    }),
);

export const updateKeyRequest = /* @__PURE__ */ schema(() =>
  z
    .strictObject(
      {
        name: nameSchema.optional(),
        description: descriptionSchema.optional(),
        enabled: z.boolean().optional().meta({ description: 'true: active, false: disabled' }),
        scopes: scopesSchema.optional(),
        ownerId: usageFields.ownerId.nullable().optional(),
        meta: usageFields.meta.nullable().optional(),
        rateLimit: usageFields.rateLimit.nullable().optional(),
        credits: usageFields.credits.nullable().optional(),
        allowedIps: usageFields.allowedIps.nullable().optional(),
      },
      {
        error: unknownFields(
          'allowed are name, description, enabled, scopes, ownerId, meta, rateLimit, credits, allowedIps (null removes one of the last five)',
        ),
      },
    )
    .refine((body) => Object.keys(body).length > 0, {
      message: 'nothing to change: send at least one of name, description, enabled, scopes, ownerId, meta, rateLimit, credits, allowedIps',
    }),
);

export const tenantPolicySchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject(
      {
        maxLifetimeDays: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .nullable()
          .meta({ description: 'The longest lifetime a new key may have; null: no limit' }),
        requireExpiry: z.boolean().meta({ description: 'Every new key must have an expiry' }),
        maxGracePeriodSeconds: z
          .number()
          .int()
          .min(0)
          .max(604_800)
          .meta({ description: 'The longest grace period a regenerate may give the old secret' }),
        allowedIps: allowedIpsSchema
          .nullable()
          .meta({ description: "Every use of every key of the tenant must come from one of these, on top of each key's own; null: any" }),
      },
      {
        error: unknownFields(
          'send all of maxLifetimeDays, requireExpiry, maxGracePeriodSeconds, allowedIps (the policy is replaced whole)',
        ),
      },
    )
    .meta({ id: 'TenantPolicy' }),
);

export const revokeAllRequest = /* @__PURE__ */ schema(() =>
  z.strictObject(
    {
      reason: plainText(500).pipe(z.string().trim().min(1, 'must say why, for the audit log')),
      type: z.enum(['privileged', 'viewer']).optional().meta({ description: 'Only keys of this type' }),
      ownerId: usageFields.ownerId.optional().meta({ description: 'Only keys of this owner' }),
    },
    { error: unknownFields('allowed are reason, type, ownerId') },
  ),
);

export const revokeAllResponse = /* @__PURE__ */ schema(() =>
  z.object({ revoked: z.number().int().meta({ description: 'Keys this call revoked (0 when repeated)' }) }),
);

export const regenerateKeyRequest = /* @__PURE__ */ schema(() =>
  z.strictObject(
    {
      gracePeriodSeconds: z
        .number()
        .int()
        .min(0)
        .max(604800)
        .optional()
        .meta({ description: 'How long the old secret keeps working (default 0)' }),
    },
    { error: unknownFields('allowed is gracePeriodSeconds') },
  ),
);

export const revokeKeyRequest = /* @__PURE__ */ schema(() =>
  z.strictObject({ reason: plainText(500).optional() }, { error: unknownFields('allowed is reason') }),
);

export const verifyRequest = /* @__PURE__ */ schema(() =>
  z
    .strictObject(
      { apiKey: apiKeyField.optional(), token: z.string().min(1).max(8192).optional().meta({ description: 'An access token' }) },
      { error: unknownFields('send {"apiKey": "..."} or {"token": "..."}') },
    )
    .refine((body) => (body.apiKey === undefined) !== (body.token === undefined), { message: 'send exactly one of apiKey or token' }),
);

// Query values arrive as text: only plain decimal digits are a number here (no 0x10, 1e2, or ' 5').
// The pattern itself allows only 1 to 100 (leading zeros too), so the OpenAPI document states the range.
const limitSchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .regex(/^(?:0{0,2}[1-9]|0?[1-9][0-9]|100)$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().min(1, 'must be a whole number from 1 to 100').max(100, 'must be a whole number from 1 to 100'))
    .optional()
    .transform((limit) => limit ?? 25)
    .meta({ description: 'Page size, 1 to 100 (default 25)' }),
);
const cursorSchema = /* @__PURE__ */ schema(() => z.string().max(4096).optional().meta({ description: 'nextCursor of the previous page' }));

export const listKeysQuery = /* @__PURE__ */ schema(() =>
  z.strictObject(
    {
      search: z.string().max(200).optional().meta({ description: 'Part of a name (case-insensitive), or a full key, preview or key id' }),
      type: z.enum(keyTypes).optional(),
      status: z.enum(keyStatuses).optional(),
      ownerId: ownerIdSchema.optional().meta({ description: 'Only keys of this owner' }),
      order: z
        .enum(['desc', 'asc'], { error: "must be 'desc' (newest first) or 'asc' (oldest first)" })
        .default('desc')
        .meta({ description: 'By creation time: desc (newest first, the default) or asc' }),
      limit: limitSchema,
      cursor: cursorSchema,
    },
    { error: unknownFields('allowed are search, type, status, ownerId, order, limit, cursor') },
  ),
);

export const auditQuery = /* @__PURE__ */ schema(() =>
  z.strictObject(
    { keyId: keyIdSchema.optional(), limit: limitSchema, cursor: cursorSchema },
    { error: unknownFields('allowed are keyId, limit, cursor') },
  ),
);

export const keyIdParams = /* @__PURE__ */ schema(() => z.object({ keyId: keyIdSchema }));

export const usageQuery = /* @__PURE__ */ schema(() =>
  z.strictObject(
    {
      from: isoTime.optional().meta({ description: 'Start of the range (default: 24 hours before to; at most 90 days before it)' }),
      to: isoTime.optional().meta({ description: 'End of the range (default: now)' }),
      granularity: z
        .enum(['hour', 'day'], { error: "must be 'hour' or 'day'" })
        .default('hour')
        .meta({ description: 'Bucket size: hour (default) or day (00:00 UTC)' }),
    },
    { error: unknownFields('allowed are from, to, granularity') },
  ),
);

const usageCounts = /* @__PURE__ */ schema(() => ({
  valid: z.number().int().meta({ description: 'Uses that were allowed' }),
  rateLimited: z.number().int(),
  usageExceeded: z.number().int(),
  ipNotAllowed: z.number().int(),
  refused: z.number().int().meta({ description: 'Uses refused for the key status (disabled, revoked, expired) with the right secret' }),
}));

export const keyUsageResponse = /* @__PURE__ */ schema(() =>
  z.object({
    items: z
      .array(z.object({ at: isoTime.meta({ description: 'Start of the bucket' }), ...usageCounts }))
      .meta({ description: 'One item per bucket, oldest first, empty buckets included' }),
    totals: z.object(usageCounts),
  }),
);

export const tenantUsageResponse = /* @__PURE__ */ schema(() =>
  keyUsageResponse.extend({
    topKeys: z
      .array(
        z.object({
          keyId: z.string(),
          name: z.string().nullable().meta({ description: 'null once the key is deleted' }),
          valid: z.number().int(),
        }),
      )
      .meta({ description: 'The 10 keys with the most valid uses in the range' }),
  }),
);

// ---- responses ----

export const keyViewSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: keyIdSchema,
      name: z.string(),
      description: z.string(),
      type: z.enum(keyTypes),
      scopes: z.array(z.string()),
      status: z.enum(keyStatuses),
      preview: z.string().meta({ example: 'kw_Ab3dE5gH7jK9mN1p…x9Qz' }),
      recoverable: z.boolean(),
      createdAt: isoTime,
      createdBy: z.string(),
      updatedAt: isoTime,
      lastUsedAt: isoTime.nullable(),
      expiresAt: isoTime.nullable(),
      ownerId: z.string().nullable(),
      meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(),
      rateLimit: z
        .object({
          limit: z.number().int(),
          windowSeconds: z.number().int(),
          remaining: z.number().int(),
          reset: z.number().int().meta({ description: 'Seconds until the window resets' }),
        })
        .nullable(),
      credits: z
        .object({
          remaining: z.number().int(),
          refill: z.object({ amount: z.number().int(), interval: z.enum(['daily', 'monthly']) }).optional(),
        })
        .nullable(),
      allowedIps: z.array(z.string()).nullable(),
    })
    .meta({ id: 'KeyView' }),
);

const tokenKeySchema = /* @__PURE__ */ schema(() =>
  z.object({ id: z.string(), name: z.string(), type: z.enum(keyTypes), scopes: z.array(z.string()), tenant: z.string() }),
);

export const authenticationResponse = /* @__PURE__ */ schema(() =>
  z.object({
    token: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int(),
    expiresAt: isoTime,
    key: tokenKeySchema,
  }),
);

export const oauthTokenResponse = /* @__PURE__ */ schema(() =>
  z.object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    scope: z.string(),
  }),
);

export const issuedKeyResponse = /* @__PURE__ */ schema(() =>
  z.object({
    key: keyViewSchema,
    apiKey: z.string().meta({ description: 'The full key: shown only now' }),
    keySecret: z.string().meta({ description: 'The secret part alone, for Key ID + Key Secret clients' }),
  }),
);

export const keyListResponse = /* @__PURE__ */ schema(() => z.object({ items: z.array(keyViewSchema), nextCursor: z.string().nullable() }));

export const revealResponse = /* @__PURE__ */ schema(() => z.object({ apiKey: z.string() }));

export const verifyResponse = /* @__PURE__ */ schema(() =>
  z.union([
    z.object({
      valid: z.literal(true),
      key: keyViewSchema,
      scopes: z.array(z.string()),
      ownerId: z.string().optional(),
      meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
      credits: z.object({ remaining: z.number().int() }).optional(),
      rateLimit: z.object({ limit: z.number().int(), remaining: z.number().int(), reset: z.number().int() }).optional(),
    }),
    z.object({
      valid: z.literal(false),
      code: z.string(),
      retryAfter: z.number().int().optional().meta({ description: 'Seconds, when rate limited' }),
    }),
  ]),
);

export const whoamiResponse = /* @__PURE__ */ schema(() =>
  z.object({ key: keyViewSchema, tenant: z.string(), scopes: z.array(z.string()), tokenExpiresAt: isoTime.nullable() }),
);

export const auditListResponse = /* @__PURE__ */ schema(() =>
  z.object({
    items: z.array(
      z.object({
        id: z.string(),
        at: isoTime,
        action: z.enum(auditActions),
        keyId: z.string().nullable(),
        actor: z.string(),
        sourceIp: z.string().nullable(),
        outcome: z.enum(['success', 'failure']),
        details: z.record(z.string(), z.unknown()),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
);

export const jwksResponse = /* @__PURE__ */ schema(() =>
  z.object({
    keys: z.array(
      z.object({ kty: z.literal('RSA'), n: z.string(), e: z.string(), kid: z.string(), alg: z.literal('RS256'), use: z.literal('sig') }),
    ),
  }),
);

export const openIdConfigurationResponse = /* @__PURE__ */ schema(() =>
  z.object({
    issuer: z.string(),
    jwks_uri: z.string(),
    token_endpoint: z.string(),
    grant_types_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    subject_types_supported: z.array(z.string()),
    id_token_signing_alg_values_supported: z.array(z.string()),
  }),
);

export const errorResponse = /* @__PURE__ */ schema(() =>
  z
    .object({
      code: z.enum(Object.keys(errorStatus) as [keyof typeof errorStatus]),
      message: z.string(),
      requestId: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    })
    .meta({ id: 'Error' }),
);

export const oauthErrorResponse = /* @__PURE__ */ schema(() =>
  z.object({ error: z.enum(oauthErrorCodes), error_description: z.string() }).meta({ id: 'OAuthError' }),
);
