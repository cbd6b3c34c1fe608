// The namespace import lets esbuild drop what is unused (`import { z }` pulls in all of zod).
import * as z from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const configSchema = z.object({
  KEYWARD_TABLE_NAME: z.string().min(3).default('keyward'),
  KEYWARD_KEY_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,9}$/, 'must be 1-10 lowercase letters or digits, starting with a letter')
    .default('kw'),
  KEYWARD_ISSUER: z.url().default('http://127.0.0.1:3000'),
  KEYWARD_AUDIENCE: z.string().min(1).default('keyward'),
  KEYWARD_CIPHER: z.enum(['kms', 'local']).default('local'),
  KEYWARD_KMS_KEY_ID: z.string().optional(),
  KEYWARD_KEYRING_FILE: z.string().default('.data/keyring.key'),
  KEYWARD_DYNAMODB_ENDPOINT: z.url().optional(),
  KEYWARD_RETENTION_DAYS: positiveInt(30),
  KEYWARD_AUDIT_RETENTION_DAYS: positiveInt(90),
  KEYWARD_LAST_USED_INTERVAL_SECONDS: positiveInt(300),
  KEYWARD_SIGNING_KEY_REFRESH_SECONDS: positiveInt(300),
  KEYWARD_SIGNING_KEY_ACTIVATION_SECONDS: positiveInt(24 * 3600),
  KEYWARD_CORS_ORIGIN: z.url().optional(),
  KEYWARD_USAGE_ANALYTICS: z.enum(['on', 'off']).default('on'),
  KEYWARD_USES_FILE: z.string().min(1).optional(),
  AWS_REGION: z.string().default('us-east-1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
});

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof configSchema>) {
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
    region: env.AWS_REGION,
    port: env.PORT,
  };
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
