// zod/mini, not classic zod: a fraction of its size and import time in every function's bundle.
// The namespace import lets esbuild drop what is unused (`import { z }` pulls in all of zod).
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { keyIdPattern } from '../domain/api-key.ts';
import { keyStatuses } from '../domain/key-status.ts';
import { keyTypes } from '../domain/permissions.ts';
import { isIpOrCidr } from '../domain/usage-controls.ts';
import { roles } from '../domain/identity.ts';
import { actorTypes, auditActions, leakResponses, systemKeyModes } from '../ports.ts';
import { errorStatus, oauthErrorCodes } from '../errors.ts';

// zod/mini loads no locale: without this, every message not written here would read "Invalid input".
z.config(en());

/**
 * Builds a schema when this module loads. The call is marked pure, so a bundle that never uses
 * the schema leaves it out, zod calls and all: each function builds only its own route's schemas.
 * Every schema built at the top of this module goes through it.
 */
const schema = <T>(build: () => T): T => build();

/**
 * A whole number, as classic zod's `z.number().int(message)`: with `z.int()` as a check, `message`
 * is for a fraction only. (`z.int(message)` as the schema would also replace the "expected number"
 * message of a value that is no number.)
 */
const wholeNumber = (message?: string) => z.number().check(z.int(message));

const isoTime = /* @__PURE__ */ schema(() =>
  z.iso.datetime({ offset: true }).check(z.meta({ description: 'ISO 8601 time', example: '2026-11-23T10:00:00.000Z' })),
);

export const keyIdSchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(
      z.regex(keyIdPattern, 'must be a 16-character key id (the part after the prefix in a preview), never a full API key'),
      z.meta({ description: 'Key id: safe to log and display', example: 'Ab3dE5gH7jK9mN1p' }),
    ),
);

const scopeSchema = /* @__PURE__ */ schema(() =>
  z.string().check(
    z.regex(/^[a-z][a-z0-9:._-]{0,63}$/, 'must be 1-64 characters of a-z 0-9 : . _ -, starting with a letter'),
    z.refine((scope) => !scope.startsWith('keys:'), "'keys:' permissions come from the key type and cannot be given as custom scopes"),
  ),
);

const scopesSchema = /* @__PURE__ */ schema(() =>
  z
    .array(scopeSchema)
    .check(z.maxLength(50, 'at most 50 scopes'), z.meta({ description: 'Custom scopes, opaque to Keyward, carried into tokens' })),
);
/**
 * Control characters (C0, DEL, C1) and bidirectional controls can rewrite a terminal or
 * disguise text when a name is shown, so text fields refuse them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control and direction characters is the point: text holding them is refused.
const unsafeText = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const plainText = (max: number) =>
  z.string().check(
    z.maxLength(max, `at most ${max} characters`),
    z.refine(
      (text) => !unsafeText.test(text),
      'must not contain control characters (such as newlines or escapes) or bidirectional overrides',
    ),
  );

const nameSchema = /* @__PURE__ */ schema(() => z.pipe(plainText(100), z.string().check(z.trim(), z.minLength(1, 'must not be empty'))));
const descriptionSchema = /* @__PURE__ */ schema(() => plainText(500));

const apiKeyField = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(
      z.minLength(1, 'must not be empty'),
      z.maxLength(200, 'is longer than any API key'),
      z.meta({ description: 'The full API key' }),
    ),
);

const unknownFields = (hint: string) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys'
    ? `unknown field${(issue.keys?.length ?? 0) > 1 ? 's' : ''} ${issue.keys?.map((k) => `'${k}'`).join(', ')}: ${hint}`
    : undefined;

// ---- usage controls ----

const ownerIdSchema = /* @__PURE__ */ schema(() =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(128),
      z.regex(/^[A-Za-z0-9._@:|-]+$/, 'must be 1-128 characters of A-Z a-z 0-9 . _ @ : | -'),
      z.meta({ description: 'The user or customer in your own system the key belongs to', example: 'customer-42' }),
    ),
);

/**
 * Your own flat data. Its keys follow the character rules of names and are kept as given,
 * `constructor` and `__proto__` included: zod's record would leave a `__proto__` key out, so
 * meta is checked as the Map of its entries and rebuilt with Object.fromEntries, which makes
 * every key an own field. The document describes it as the JSON object a client sends.
 */
const metaSchema = /* @__PURE__ */ schema(() => {
  const keyLength = { minLength: 1, maxLength: 64 };
  const textLength = { maxLength: 1024 };
  // Checked on all keys at once: a refused key is not echoed back as the path of its error.
  const isKey = (key: string) => key.length >= keyLength.minLength && key.length <= keyLength.maxLength && !unsafeText.test(key);
  const value = z.union([plainText(textLength.maxLength), z.number(), z.boolean(), z.null()]);
  const isObject = (input: unknown) => typeof input === 'object' && input !== null && !Array.isArray(input);
  return z
    .pipe(
      z.transform((input: unknown) => (isObject(input) ? new Map(Object.entries(input as object)) : input)),
      z.pipe(
        z
          .map(z.string(), value, { error: 'must be an object of strings, numbers, booleans or nulls' })
          .check(
            z.refine(
              (entries) => [...entries.keys()].every(isKey),
              'keys must be 1-64 characters, without control characters or bidirectional overrides',
            ),
          ),
        z.transform((entries) => Object.fromEntries(entries)),
      ),
    )
    .check(
      z.refine((meta) => JSON.stringify(meta).length <= 2048, 'must be at most 2 KiB as JSON'),
      z.meta({
        type: 'object',
        propertyNames: { type: 'string', ...keyLength },
        additionalProperties: { anyOf: [{ type: 'string', ...textLength }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] },
        description: 'Your own data, returned by verify and whoami (not put in tokens): at most 2 KiB as JSON, flat values only',
      }),
    );
});

const rateLimitSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      limit: wholeNumber().check(z.minimum(1), z.maximum(1_000_000), z.meta({ description: 'Uses allowed per window' })),
      windowSeconds: wholeNumber().check(
        z.minimum(1),
        z.maximum(86_400),
        z.meta({ description: 'Window length; windows are aligned to multiples of it since the epoch' }),
      ),
    })
    .check(z.meta({ description: 'At most limit uses of the key per window' })),
);

const creditsSchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject({
      remaining: wholeNumber().check(z.minimum(0), z.maximum(1_000_000_000)),
      refill: z
        .optional(
          z.strictObject({
            amount: wholeNumber().check(z.minimum(1), z.maximum(1_000_000_000)),
            interval: z.enum(['daily', 'monthly']),
          }),
        )
        .check(z.meta({ description: 'Sets remaining to amount at 00:00 UTC daily, or on the 1st of the month, on the next use after' })),
    })
    .check(z.meta({ description: 'Each successful use costs 1; at 0 the key is refused until the next refill' })),
);

const cidrSchema = /* @__PURE__ */ schema(() =>
  z.string().check(z.maxLength(64), z.refine(isIpOrCidr, 'must be an IPv4 or IPv6 address or CIDR block, such as 203.0.113.0/24')),
);
const allowedIpsSchema = /* @__PURE__ */ schema(() =>
  z
    .array(cidrSchema)
    .check(
      z.minLength(1, 'list at least one address, or send null to allow every address'),
      z.maxLength(50, 'at most 50 entries'),
      z.meta({ description: 'Uses from any other source IP are refused' }),
    ),
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
        apiKey: z.optional(apiKeyField),
        keyId: z
          .optional(z.string().check(z.minLength(1), z.maxLength(100)))
          .check(z.meta({ description: 'The Key ID part, sent with keySecret' })),
        keySecret: z
          .optional(z.string().check(z.minLength(1), z.maxLength(200)))
          .check(z.meta({ description: 'The Key Secret part (or the full key)' })),
        expiresIn: z
          .optional(wholeNumber('must be a whole number of seconds').check(z.minimum(60), z.maximum(3600)))
          .check(z.meta({ description: 'Token lifetime in seconds (default 900)' })),
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
    .check(
      z.superRefine((body, ctx) => {
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
    ),
);

export const oauthTokenRequest = /* @__PURE__ */ schema(() =>
  z.object({
    grant_type: z
      .string()
      .check(z.meta({ description: 'client_credentials (an API key) or urn:ietf:params:oauth:grant-type:token-exchange (a person)' })),
    client_id: z.optional(z.string().check(z.maxLength(100))).check(z.meta({ description: 'The key id (or use HTTP Basic auth)' })),
    client_secret: z
      .optional(z.string().check(z.maxLength(200)))
      .check(z.meta({ description: 'The key secret or the full key (or use HTTP Basic auth)' })),
    scope: z.optional(z.string().check(z.maxLength(4000))).check(
      z.meta({
        description: "Space-separated scopes to narrow the token to, all held by the key or the person's role (default: all of them)",
      }),
    ),
    subject_token: z
      .optional(z.string().check(z.maxLength(16_384)))
      .check(z.meta({ description: "Token exchange: the identity provider's ID token or access token (a JWT)" })),
    subject_token_type: z
      .optional(z.string().check(z.maxLength(200)))
      .check(z.meta({ description: 'Token exchange: urn:ietf:params:oauth:token-type:id_token, …:access_token or …:jwt' })),
    requested_token_type: z
      .optional(z.string().check(z.maxLength(200)))
      .check(z.meta({ description: 'Token exchange: only urn:ietf:params:oauth:token-type:access_token' })),
    tenant: z
      .optional(z.string().check(z.maxLength(100)))
      .check(z.meta({ description: "Token exchange: the tenant to sign in to, when the person's groups map to several" })),
  }),
);

export const createKeyRequest = /* @__PURE__ */ schema(() =>
  z
    .strictObject(
      {
        name: nameSchema,
        type: z.enum(['privileged', 'viewer', 'client'], {
          error: (issue) =>
            issue.input === 'system' ? 'system keys are created only by bootstrap' : "must be 'privileged', 'viewer' or 'client'",
        }),
        scopes: z.optional(scopesSchema),
        description: z.optional(descriptionSchema),
        expiresInDays: z
          .optional(wholeNumber('must be a whole number of days').check(z.minimum(1), z.maximum(3650)))
          .check(z.meta({ description: `Lifetime in days. ${creatorExpiryRule}` })),
        expiresAt: z.optional(isoTime).check(z.meta({ description: `Expiry time, in the future. ${creatorExpiryRule}` })),
        recoverable: z.optional(z.boolean()).check(z.meta({ description: 'Keep a KMS-sealed copy so keys:admin can reveal it later' })),
        ownerId: z.optional(usageFields.ownerId),
        meta: z.optional(usageFields.meta),
        rateLimit: z.optional(usageFields.rateLimit),
        credits: z.optional(usageFields.credits),
        allowedIps: z.optional(usageFields.allowedIps),
      },
      {
        error: unknownFields(
          'allowed are name, type, scopes, description, expiresInDays, expiresAt, recoverable, ownerId, meta, rateLimit, credits, allowedIps',
        ),
      },
    )
    .check(
      z.refine((body) => body.expiresInDays === undefined || body.expiresAt === undefined, {
        path: ['expiresAt'],
        message: 'send expiresInDays or expiresAt, not both',
      }),
    ),
);

export const updateKeyRequest = /* @__PURE__ */ schema(() =>
  z
    .strictObject(
      {
        name: z.optional(nameSchema),
        description: z.optional(descriptionSchema),
        enabled: z.optional(z.boolean()).check(z.meta({ description: 'true: active, false: disabled' })),
        scopes: z.optional(scopesSchema),
        ownerId: z.optional(z.nullable(usageFields.ownerId)),
        meta: z.optional(z.nullable(usageFields.meta)),
        rateLimit: z.optional(z.nullable(usageFields.rateLimit)),
        credits: z.optional(z.nullable(usageFields.credits)),
        allowedIps: z.optional(z.nullable(usageFields.allowedIps)),
      },
      {
        error: unknownFields(
          'allowed are name, description, enabled, scopes, ownerId, meta, rateLimit, credits, allowedIps (null removes one of the last five)',
        ),
      },
    )
    .check(
      z.refine((body) => Object.keys(body).length > 0, {
        message:
          'nothing to change: send at least one of name, description, enabled, scopes, ownerId, meta, rateLimit, credits, allowedIps',
      }),
    ),
);

export const tenantPolicySchema = /* @__PURE__ */ schema(() =>
  z
    .strictObject(
      {
        maxLifetimeDays: z
          .nullable(wholeNumber().check(z.minimum(1), z.maximum(3650)))
          .check(z.meta({ description: 'The longest lifetime a new key may have; null: no limit' })),
        requireExpiry: z.boolean().check(z.meta({ description: 'Every new key must have an expiry' })),
        maxGracePeriodSeconds: wholeNumber().check(
          z.minimum(0),
          z.maximum(604_800),
          z.meta({ description: 'The longest grace period a regenerate may give the old secret' }),
        ),
        allowedIps: z.nullable(allowedIpsSchema).check(
          z.meta({
            description: "Every use of every key of the tenant must come from one of these, on top of each key's own; null: any",
          }),
        ),
        systemKey: z.optional(z.enum(systemKeyModes)).check(
          z.meta({
            description:
              'enabled (default); break-glass: each use is audited as tenant.break_glass and its tokens last at most 900 s; disabled: refused everywhere, and only IAM (keyward policy set) turns it back on',
          }),
        ),
        personTokenSeconds: z
          .optional(wholeNumber().check(z.minimum(60), z.maximum(3600)))
          .check(z.meta({ description: "Lifetime of people's tokens (default 900)" })),
        onLeak: z.optional(z.enum(leakResponses)).check(
          z.meta({
            description:
              'What a report of a valid key leaking does: revoke it (default, reason leaked), disable it, or notify only; each writes key.leaked',
          }),
        ),
      },
      {
        error: unknownFields(
          'send all of maxLifetimeDays, requireExpiry, maxGracePeriodSeconds, allowedIps, and optionally systemKey, personTokenSeconds and onLeak (the policy is replaced whole)',
        ),
      },
    )
    .check(z.meta({ id: 'TenantPolicy' })),
);

export const revokeAllRequest = /* @__PURE__ */ schema(() =>
  z.strictObject(
    {
      reason: z.pipe(plainText(500), z.string().check(z.trim(), z.minLength(1, 'must say why, for the audit log'))),
      type: z.optional(z.enum(['privileged', 'viewer', 'client'])).check(z.meta({ description: 'Only keys of this type' })),
      ownerId: z.optional(usageFields.ownerId).check(z.meta({ description: 'Only keys of this owner' })),
    },
    { error: unknownFields('allowed are reason, type, ownerId') },
  ),
);

export const revokeAllResponse = /* @__PURE__ */ schema(() =>
  z.object({ revoked: wholeNumber().check(z.meta({ description: 'Keys this call revoked (0 when repeated)' })) }),
);

export const regenerateKeyRequest = /* @__PURE__ */ schema(() =>
  z.strictObject(
    {
      gracePeriodSeconds: z
        .optional(wholeNumber().check(z.minimum(0), z.maximum(604800)))
        .check(z.meta({ description: 'How long the old secret keeps working (default 0)' })),
    },
    { error: unknownFields('allowed is gracePeriodSeconds') },
  ),
);

export const revokeKeyRequest = /* @__PURE__ */ schema(() =>
  z.strictObject({ reason: z.optional(plainText(500)) }, { error: unknownFields('allowed is reason') }),
);

export const verifyRequest = /* @__PURE__ */ schema(() =>
  z
    .strictObject(
      {
        apiKey: z.optional(apiKeyField),
        token: z.optional(z.string().check(z.minLength(1), z.maxLength(8192))).check(z.meta({ description: 'An access token' })),
      },
      { error: unknownFields('send {"apiKey": "..."} or {"token": "..."}') },
    )
    .check(
      z.refine((body) => (body.apiKey === undefined) !== (body.token === undefined), { message: 'send exactly one of apiKey or token' }),
    ),
);

// Query values arrive as text: only plain decimal digits are a number here (no 0x10, 1e2, or ' 5').
// The pattern itself allows only 1 to 100 (leading zeros too), so the OpenAPI document states the range.
const limitSchema = /* @__PURE__ */ schema(() => {
  const pageSize = z.pipe(
    z.pipe(z.string().check(z.regex(/^(?:0{0,2}[1-9]|0?[1-9][0-9]|100)$/, 'must be a whole number from 1 to 100')), z.transform(Number)),
    z.number().check(z.minimum(1, 'must be a whole number from 1 to 100'), z.maximum(100, 'must be a whole number from 1 to 100')),
  );
  return z
    .pipe(
      z.optional(pageSize),
      z.transform((limit: number | undefined) => limit ?? 25),
    )
    .check(z.meta({ description: 'Page size, 1 to 100 (default 25)' }));
});
const cursorSchema = /* @__PURE__ */ schema(() =>
  z.optional(z.string().check(z.maxLength(4096))).check(z.meta({ description: 'nextCursor of the previous page' })),
);

export const listKeysQuery = /* @__PURE__ */ schema(() =>
  z.strictObject(
    {
      search: z
        .optional(z.string().check(z.maxLength(200)))
        .check(z.meta({ description: 'Part of a name (case-insensitive), or a full key, preview or key id' })),
      type: z.optional(z.enum(keyTypes)),
      status: z.optional(z.enum(keyStatuses)),
      ownerId: z.optional(ownerIdSchema).check(z.meta({ description: 'Only keys of this owner' })),
      order: z
        ._default(z.enum(['desc', 'asc'], { error: "must be 'desc' (newest first) or 'asc' (oldest first)" }), 'desc')
        .check(z.meta({ description: 'By creation time: desc (newest first, the default) or asc' })),
      limit: limitSchema,
      cursor: cursorSchema,
    },
    { error: unknownFields('allowed are search, type, status, ownerId, order, limit, cursor') },
  ),
);

export const auditQuery = /* @__PURE__ */ schema(() =>
  z.strictObject(
    { keyId: z.optional(keyIdSchema), limit: limitSchema, cursor: cursorSchema },
    { error: unknownFields('allowed are keyId, limit, cursor') },
  ),
);

export const keyIdParams = /* @__PURE__ */ schema(() => z.object({ keyId: keyIdSchema }));

export const peopleQuery = /* @__PURE__ */ schema(() =>
  z.strictObject({ limit: limitSchema, cursor: cursorSchema }, { error: unknownFields('allowed are limit, cursor') }),
);

/** `<provider id>:<the identity provider's sub>`; the path carries it URL-encoded. */
export const personIdParams = /* @__PURE__ */ schema(() =>
  z.object({
    personId: z.pipe(
      z.pipe(
        z.string().check(z.maxLength(1024)),
        z.transform((text: string) => {
          try {
            return decodeURIComponent(text);
          } catch {
            return '';
          }
        }),
      ),
      z
        .string()
        .check(z.regex(/^[a-z][a-z0-9-]{0,30}:[\x21-\x7e]{1,255}$/, 'must be a person id such as corp:00u1ab2cd3, from GET /v1/people')),
    ),
  }),
);

const personSchema = /* @__PURE__ */ schema(() =>
  z
    .object({
      id: z.string().check(z.meta({ description: "<provider id>:<the identity provider's sub>" })),
      issuer: z.string(),
      email: z.nullable(z.string()),
      name: z.nullable(z.string()),
      role: z.enum(roles),
      firstSeenAt: isoTime,
      lastSeenAt: isoTime,
      signedOutAt: z.nullable(isoTime).check(z.meta({ description: 'Tokens issued before this are refused' })),
    })
    .check(z.meta({ id: 'Person' })),
);

export const peopleListResponse = /* @__PURE__ */ schema(() =>
  z.object({ items: z.array(personSchema), nextCursor: z.nullable(z.string()) }),
);

export const personResponse = personSchema;

export const leakReportRequest = /* @__PURE__ */ schema(() =>
  z.strictObject(
    {
      apiKey: apiKeyField,
      source: z.optional(plainText(200)).check(z.meta({ description: 'Where you saw it, such as "public gist" or "build log"' })),
      url: z
        .optional(z.url({ protocol: /^https$/, error: 'must be an https URL' }).check(z.maxLength(2048)))
        .check(z.meta({ description: 'The page it was seen on' })),
    },
    { error: unknownFields('send {"apiKey": "...", "source"?: "...", "url"?: "https://..."}') },
  ),
);

/** The one answer of a leak report, whatever the key: the route says nothing about any key. */
export const leakReportResponse = /* @__PURE__ */ schema(() => z.object({ received: z.literal(true) }));

export const webhookReceivedResponse = /* @__PURE__ */ schema(() => z.object({ received: z.literal(true) }));

export const signInProvidersResponse = /* @__PURE__ */ schema(() =>
  z.object({
    providers: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        issuer: z.string(),
        consoleClientId: z.nullable(z.string()),
        cliClientId: z.nullable(z.string()),
      }),
    ),
  }),
);

export const usageQuery = /* @__PURE__ */ schema(() =>
  z.strictObject(
    {
      from: z
        .optional(isoTime)
        .check(z.meta({ description: 'Start of the range (default: 24 hours before to; at most 90 days before it)' })),
      to: z.optional(isoTime).check(z.meta({ description: 'End of the range (default: now)' })),
      granularity: z
        ._default(z.enum(['hour', 'day'], { error: "must be 'hour' or 'day'" }), 'hour')
        .check(z.meta({ description: 'Bucket size: hour (default) or day (00:00 UTC)' })),
    },
    { error: unknownFields('allowed are from, to, granularity') },
  ),
);

const usageCounts = /* @__PURE__ */ schema(() => ({
  valid: wholeNumber().check(z.meta({ description: 'Uses that were allowed' })),
  rateLimited: wholeNumber(),
  usageExceeded: wholeNumber(),
  ipNotAllowed: wholeNumber(),
  refused: wholeNumber().check(
    z.meta({ description: 'Uses refused for the key status (disabled, revoked, expired) with the right secret' }),
  ),
}));

export const keyUsageResponse = /* @__PURE__ */ schema(() =>
  z.object({
    items: z
      .array(z.object({ at: isoTime.check(z.meta({ description: 'Start of the bucket' })), ...usageCounts }))
      .check(z.meta({ description: 'One item per bucket, oldest first, empty buckets included' })),
    totals: z.object(usageCounts),
  }),
);

export const tenantUsageResponse = /* @__PURE__ */ schema(() =>
  z.extend(keyUsageResponse, {
    topKeys: z
      .array(
        z.object({
          keyId: z.string(),
          name: z.nullable(z.string()).check(z.meta({ description: 'null once the key is deleted' })),
          valid: wholeNumber(),
        }),
      )
      .check(z.meta({ description: 'The 10 keys with the most valid uses in the range' })),
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
      preview: z.string().check(z.meta({ example: 'kw_Ab3dE5gH7jK9mN1p…x9Qz' })),
      recoverable: z.boolean(),
      createdAt: isoTime,
      createdBy: z.string(),
      updatedAt: isoTime,
      lastUsedAt: z.nullable(isoTime),
      expiresAt: z.nullable(isoTime),
      ownerId: z.nullable(z.string()),
      leakedAt: z.nullable(isoTime).check(z.meta({ description: 'When a report of this key leaking was handled; null: never' })),
      meta: z.nullable(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
      rateLimit: z.nullable(
        z.object({
          limit: wholeNumber(),
          windowSeconds: wholeNumber(),
          remaining: wholeNumber(),
          reset: wholeNumber().check(z.meta({ description: 'Seconds until the window resets' })),
        }),
      ),
      credits: z.nullable(
        z.object({
          remaining: wholeNumber(),
          refill: z.optional(z.object({ amount: wholeNumber(), interval: z.enum(['daily', 'monthly']) })),
        }),
      ),
      allowedIps: z.nullable(z.array(z.string())),
    })
    .check(z.meta({ id: 'KeyView' })),
);

const tokenKeySchema = /* @__PURE__ */ schema(() =>
  z.object({ id: z.string(), name: z.string(), type: z.enum(keyTypes), scopes: z.array(z.string()), tenant: z.string() }),
);

export const authenticationResponse = /* @__PURE__ */ schema(() =>
  z.object({
    token: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: wholeNumber(),
    expiresAt: isoTime,
    key: tokenKeySchema,
  }),
);

export const oauthTokenResponse = /* @__PURE__ */ schema(() =>
  z.object({
    access_token: z.string(),
    issued_token_type: z
      .optional(z.literal('urn:ietf:params:oauth:token-type:access_token'))
      .check(z.meta({ description: 'Token exchange only' })),
    token_type: z.literal('Bearer'),
    expires_in: wholeNumber(),
    scope: z.string(),
  }),
);

export const issuedKeyResponse = /* @__PURE__ */ schema(() =>
  z.object({
    key: keyViewSchema,
    apiKey: z.string().check(z.meta({ description: 'The full key: shown only now' })),
    keySecret: z.string().check(z.meta({ description: 'The secret part alone, for Key ID + Key Secret clients' })),
  }),
);

export const keyListResponse = /* @__PURE__ */ schema(() =>
  z.object({ items: z.array(keyViewSchema), nextCursor: z.nullable(z.string()) }),
);

export const revealResponse = /* @__PURE__ */ schema(() => z.object({ apiKey: z.string() }));

export const verifyResponse = /* @__PURE__ */ schema(() =>
  z.union([
    z.object({
      valid: z.literal(true),
      key: keyViewSchema,
      scopes: z.array(z.string()),
      ownerId: z.optional(z.string()),
      meta: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
      credits: z.optional(z.object({ remaining: wholeNumber() })),
      rateLimit: z.optional(z.object({ limit: wholeNumber(), remaining: wholeNumber(), reset: wholeNumber() })),
    }),
    z.object({
      valid: z.literal(false),
      code: z.string(),
      retryAfter: z.optional(wholeNumber()).check(z.meta({ description: 'Seconds, when rate limited' })),
    }),
  ]),
);

export const keyWhoamiResponse = /* @__PURE__ */ schema(() =>
  z.object({ key: keyViewSchema, tenant: z.string(), scopes: z.array(z.string()), tokenExpiresAt: z.nullable(isoTime) }),
);

export const personWhoamiResponse = /* @__PURE__ */ schema(() =>
  z.object({
    person: z.object({ id: z.string(), email: z.nullable(z.string()), name: z.nullable(z.string()), role: z.enum(roles) }),
    tenant: z.string(),
    scopes: z.array(z.string()),
    tokenExpiresAt: isoTime,
  }),
);

/** A key's whoami, or a signed-in person's. */
export const whoamiResponse = /* @__PURE__ */ schema(() => z.union([keyWhoamiResponse, personWhoamiResponse]));

export const auditListResponse = /* @__PURE__ */ schema(() =>
  z.object({
    items: z.array(
      z.object({
        id: z.string(),
        at: isoTime,
        action: z.enum(auditActions),
        keyId: z.nullable(z.string()),
        actor: z.string().check(z.meta({ description: "The key id, the person's id, or anonymous" })),
        actorType: z.enum(actorTypes),
        actorEmail: z.optional(z.string()),
        actorName: z.optional(z.string()),
        sourceIp: z.nullable(z.string()),
        outcome: z.enum(['success', 'failure']),
        details: z.record(z.string(), z.unknown()),
      }),
    ),
    nextCursor: z.nullable(z.string()),
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
      details: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
    })
    .check(z.meta({ id: 'Error' })),
);

export const oauthErrorResponse = /* @__PURE__ */ schema(() =>
  z.object({ error: z.enum(oauthErrorCodes), error_description: z.string() }).check(z.meta({ id: 'OAuthError' })),
);
