// zod/mini, not classic zod: a fraction of its size and import time in every function's bundle.
// The namespace import lets esbuild drop what is unused (`import { z }` pulls in all of zod).
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { keyPrefixPattern } from './domain/api-key.ts';
import { identityProvidersSchema } from './domain/identity.ts';

// zod/mini loads no locale: without this, every message below would read "Invalid input".
z.config(en());

const positiveInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

const configSchema = z.object({
  KEYWARD_TABLE_NAME: z._default(z.string().check(z.minLength(3)), 'keyward'),
  KEYWARD_KEY_PREFIX: z._default(
    z.string().check(z.regex(keyPrefixPattern, 'must be 1-10 lowercase letters or digits, starting with a letter')),
    'kw',
  ),
  KEYWARD_ISSUER: z._default(z.url(), 'http://127.0.0.1:3000'),
  KEYWARD_AUDIENCE: z._default(z.string().check(z.minLength(1)), 'keyward'),
  KEYWARD_CIPHER: z._default(z.enum(['kms', 'local']), 'local'),
  KEYWARD_KMS_KEY_ID: z.optional(z.string()),
  KEYWARD_KEYRING_FILE: z._default(z.string(), '.data/keyring.key'),
  KEYWARD_DYNAMODB_ENDPOINT: z.optional(z.url()),
  KEYWARD_RETENTION_DAYS: positiveInt(30),
  KEYWARD_AUDIT_RETENTION_DAYS: positiveInt(90),
  KEYWARD_LAST_USED_INTERVAL_SECONDS: positiveInt(300),
  KEYWARD_SIGNING_KEY_REFRESH_SECONDS: positiveInt(300),
  KEYWARD_SIGNING_KEY_ACTIVATION_SECONDS: positiveInt(24 * 3600),
  KEYWARD_CORS_ORIGIN: z.optional(z.url()),
  KEYWARD_USAGE_ANALYTICS: z._default(z.enum(['on', 'off']), 'on'),
  KEYWARD_USES_FILE: z.optional(z.string().check(z.minLength(1))),
  /** A JSON array of trusted OpenID Providers (see domain/identity.ts); none by default. */
  KEYWARD_IDENTITY_PROVIDERS: z._default(z.string(), '[]'),
  /** GitHub's REST API, where the secret-scanning worker reads and resolves alerts. */
  KEYWARD_GITHUB_API_URL: z._default(z.url(), 'https://api.github.com'),
  /** Locally, the webhook secret (made on first use) and the GitHub App's {appId, privateKey}. */
  KEYWARD_GITHUB_WEBHOOK_SECRET_FILE: z._default(z.string().check(z.minLength(1)), '.data/github/webhook-secret'),
  KEYWARD_GITHUB_APP_FILE: z._default(z.string().check(z.minLength(1)), '.data/github/app.json'),
  /** Comma-separated secret types (the custom pattern's) whose alerts are queued; empty: every alert, the worker judges the secret. */
  KEYWARD_GITHUB_SECRET_TYPES: z._default(z.string(), ''),
  /** The local alert queue: tries per alert, the first wait between them (doubled each time), and where it gives up to. */
  KEYWARD_GITHUB_ATTEMPTS: positiveInt(5),
  KEYWARD_GITHUB_RETRY_MS: positiveInt(1000),
  KEYWARD_GITHUB_DEAD_LETTER_FILE: z._default(z.string().check(z.minLength(1)), '.data/github-dead-letters.ndjson'),
  /** In AWS: the SQS queue of alerts, and the Secrets Manager secrets of the webhook and the App (each function gets what it uses). */
  KEYWARD_GITHUB_QUEUE_URL: z.optional(z.url()),
  KEYWARD_GITHUB_WEBHOOK_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  KEYWARD_GITHUB_APP_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  PORT: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65535)), 3000),
});

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.output<typeof configSchema>) {
  return {
    tableName: env.KEYWARD_TABLE_NAME,
    keyPrefix: env.KEYWARD_KEY_PREFIX,
    issuer: env.KEYWARD_ISSUER.replace(/\/+$/, ''),
    audience: env.KEYWARD_AUDIENCE,
    cipher: env.KEYWARD_CIPHER,
    kmsKeyId: env.KEYWARD_KMS_KEY_ID,
    keyringFile: env.KEYWARD_KEYRING_FILE,
    dynamoDbEndpoint: env.KEYWARD_DYNAMODB_ENDPOINT,
    retentionDays: env.KEYWARD_RETENTION_DAYS,
    auditRetentionDays: env.KEYWARD_AUDIT_RETENTION_DAYS,
    lastUsedIntervalSeconds: env.KEYWARD_LAST_USED_INTERVAL_SECONDS,
    signingKeyRefreshSeconds: env.KEYWARD_SIGNING_KEY_REFRESH_SECONDS,
    signingKeyActivationSeconds: env.KEYWARD_SIGNING_KEY_ACTIVATION_SECONDS,
    corsOrigin: env.KEYWARD_CORS_ORIGIN,
    usageAnalytics: env.KEYWARD_USAGE_ANALYTICS === 'on',
    /** Where uses are recorded, one line each: this file (locally), or standard output (in Lambda, the log group). */
    usesFile: env.KEYWARD_USES_FILE,
    identityProviders: parseIdentityProviders(env.KEYWARD_IDENTITY_PROVIDERS),
    github: {
      apiUrl: env.KEYWARD_GITHUB_API_URL.replace(/\/+$/, ''),
      webhookSecretFile: env.KEYWARD_GITHUB_WEBHOOK_SECRET_FILE,
      appFile: env.KEYWARD_GITHUB_APP_FILE,
      secretTypes: env.KEYWARD_GITHUB_SECRET_TYPES.split(',')
        .map((type) => type.trim())
        .filter((type) => type !== ''),
      attempts: env.KEYWARD_GITHUB_ATTEMPTS,
      retryMs: env.KEYWARD_GITHUB_RETRY_MS,
      deadLetterFile: env.KEYWARD_GITHUB_DEAD_LETTER_FILE,
      queueUrl: env.KEYWARD_GITHUB_QUEUE_URL,
      webhookSecretArn: env.KEYWARD_GITHUB_WEBHOOK_SECRET_ARN,
      appSecretArn: env.KEYWARD_GITHUB_APP_SECRET_ARN,
    },
    region: env.AWS_REGION,
    port: env.PORT,
  };
}

function parseIdentityProviders(text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('Invalid Keyward configuration:\n  KEYWARD_IDENTITY_PROVIDERS: must be a JSON array of identity providers');
  }
  const parsed = identityProvidersSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `KEYWARD_IDENTITY_PROVIDERS.${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid Keyward configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/**
 * Validates an environment into the service configuration, failing with one line per
 * wrong variable so a misconfigured deployment says exactly what to fix.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid Keyward configuration:\n  ${problems.join('\n  ')}`);
  }
  if (parsed.data.KEYWARD_CIPHER === 'kms' && !parsed.data.KEYWARD_KMS_KEY_ID) {
    throw new Error('Invalid Keyward configuration:\n  KEYWARD_KMS_KEY_ID: required when KEYWARD_CIPHER is kms');
  }
  return toConfig(parsed.data);
}

let current: Config | undefined;

/** The configuration of this process, read from the environment once (at cold start). */
export function getConfig(): Config {
  current ??= loadConfig(process.env);
  return current;
}

/**
 * For a process that hosts the functions itself (the local server, the CLI's bootstrap): the
 * configuration it built, used instead of the environment. Call it before any function runs.
 */
export function useConfig(config: Config): void {
  current = config;
}
