import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type * as z from 'zod/mini';
import type { identityProviderSchema } from '../shared/domain/identity.ts';

export interface Throttle {
  /** Steady requests per second. */
  rate: number;
  burst: number;
}

/** A trusted OpenID Provider as written here; validated when the stack is synthesized. */
export type ExternalIdentityProvider = z.input<typeof identityProviderSchema>;

/** A Cognito user pool created by the stack: people sign in through its managed login. */
export interface CognitoSettings {
  /** Tenants to create the groups `keyward-<tenant>-<role>` for; a group of that shape added later maps too. */
  tenants: readonly string[];
  /** Where the managed login may send the console back; default: the console's URL. */
  callbackUrls?: readonly string[];
  /** Where signing out may send the console back; default: the console's URL. */
  logoutUrls?: readonly string[];
  /** Prefix of the managed login domain, unique in the region; default `keyward-<stage>-<account id>`. */
  domainPrefix?: string;
  /** `required` (the default): every person signs in with an authenticator app (TOTP); `optional`: each person chooses. */
  mfa?: 'required' | 'optional';
  /**
   * The Plus feature plan with threat protection enforced: blocks sign-ins with leaked passwords and
   * challenges risky ones. It costs about $0.02 per person signed in in a month (no free tier), a few
   * dollars for the operators and developers who manage keys. On by default.
   */
  threatProtection?: boolean;
}

/**
 * Who people sign in with: a Cognito user pool of the stack, or external issuers (Okta, Entra ID,
 * Google Workspace, ...). Without it the stage has no people: keys only.
 */
export type IdentityConfig = { cognito: CognitoSettings } | { providers: readonly ExternalIdentityProvider[] };

/**
 * The stage's API on a domain of your own: a regional API Gateway custom domain (TLS 1.2) mapped to
 * the stage at its root. The execute-api URL keeps working beside it.
 */
export interface DomainSettings {
  /** For example `keys.example.com`. */
  name: string;
  /** An ACM certificate for `name` in the stack's region; without it, one is created and validated in `hostedZone`. */
  certificateArn?: string;
  /** The Route 53 zone that holds `name`: gets the alias A and AAAA records (and the certificate's validation record). */
  hostedZone?: { id: string; name: string };
  /**
   * Whether tokens are issued by `https://<name>` (and discovery and JWKS point there) instead of the
   * execute-api stage URL. Default true. A stage already deployed should set it explicitly, false first
   * and true when its verifiers are ready: a new `iss` makes every verifier configured with the old one reject tokens.
   */
  issuerOnDomain?: boolean;
}

/** Daily AWS Backup of the table, copied to a vault in another region or account. */
export interface BackupSettings {
  /** ARN of the vault that gets a copy of each backup; its access policy must let this account copy into it. */
  copyToVaultArn: string;
  /** Days each backup and its copy are kept; default 35. */
  retentionDays?: number;
}

/** Everything that differs between environments, in one typed place. */
export interface StageConfig {
  keyPrefix: string;
  tokenAudience: string;
  /** Days an expired or revoked key is kept before the purge. */
  retentionDays: number;
  auditRetentionDays: number;
  purgeSchedule: Duration;
  signingKeyRotationSchedule: Duration;
  /** The token endpoints get a tighter limit than management. */
  throttling: { authentication: Throttle; management: Throttle };
  /** A WAF web ACL with per-IP rate rules on the token endpoints and on all of /v1/. */
  waf: boolean;
  /** Requests per 5 minutes per IP on the token endpoints, when WAF is on. */
  wafAuthenticationRateLimit: number;
  /** Requests per 5 minutes per IP on all of /v1/ (token endpoints included), when WAF is on. */
  wafApiRateLimit: number;
  /**
   * Reserved concurrency of each token function (authenticate, oauth-token): guarantees it and caps
   * it, so a flood on the public token routes cannot starve management and the jobs. Unset: none.
   */
  tokenRouteReservedConcurrency?: number;
  /**
   * Provisioned concurrency of each token function, behind a `live` alias that API Gateway
   * calls: that many instances stay initialised, so no token request waits for a cold start.
   * It is billed by the hour whether used or not, so no stage sets it by default.
   */
  tokenRouteProvisionedConcurrency?: number;
  logRetention: RetentionDays;
  /** E-mail subscribed to the alarm topic, if any; or `-c alarmEmail=<address>` on the cdk command line. */
  alarmEmail?: string;
  /**
   * An SNS topic of your own (another account's too, if its policy lets CloudWatch publish) that
   * every alarm also notifies; or `-c alarmTopicArn=<arn>` on the cdk command line.
   */
  alarmTopicArn?: string;
  /** Refuses to synthesize without `alarmEmail` or `alarmTopicArn`: nobody would hear of an alarm. */
  requireAlarmSubscriber?: boolean;
  /** Alarm when the API's p99 latency stays at or above this over 15 minutes. */
  apiLatencyP99Threshold: Duration;
  /** Alarm when the web ACL blocks this many requests in 5 minutes, when WAF is on. */
  wafBlockedRequestsThreshold: number;
  /**
   * Node resolves stack traces through the bundles' source maps (`--enable-source-maps`): readable
   * errors, but each trace costs time and memory, so only where people debug.
   */
  sourceMaps: boolean;
  /** The API on your own domain; unset: the execute-api URL only. */
  domain?: DomainSettings;
  /** Daily backups of the table with a copy elsewhere; unset: point-in-time recovery only. */
  backup?: BackupSettings;
  /**
   * Regions for table replicas. Refused until Keyward has a multi-region design: last-writer-wins
   * replication would lose revocations (docs/multi-region.md).
   */
  replicaRegions?: readonly string[];
  /** Origin of the admin console: the only one CORS allows. */
  consoleOrigin?: string;
  removalPolicy: RemovalPolicy;
  /** How people sign in; unset: no people, keys only. */
  identity?: IdentityConfig;
}

const base = {
  keyPrefix: 'kw',
  tokenAudience: 'keyward',
  retentionDays: 30,
  auditRetentionDays: 90,
  purgeSchedule: Duration.hours(1),
  signingKeyRotationSchedule: Duration.days(30),
  wafAuthenticationRateLimit: 300,
  // 10 requests a second per IP over 5 minutes: far above a person, the console or a script managing
  // keys, and 10x the token limit so that rule stays the stricter one; it bounds one source's share.
  wafApiRateLimit: 3000,
  // Far above a person retrying by hand, far below a flood the rate rules are there for.
  wafBlockedRequestsThreshold: 100,
} satisfies Partial<StageConfig>;

export const stages = {
  dev: {
    ...base,
    throttling: { authentication: { rate: 20, burst: 40 }, management: { rate: 50, burst: 100 } },
    waf: false,
    // Little traffic: a p99 is nearly the slowest call, often a cold start.
    apiLatencyP99Threshold: Duration.seconds(5),
    sourceMaps: true,
    logRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    identity: { cognito: { tenants: ['default'], mfa: 'optional', threatProtection: false } },
  },
  staging: {
    ...base,
    throttling: { authentication: { rate: 50, burst: 100 }, management: { rate: 100, burst: 200 } },
    waf: true,
    apiLatencyP99Threshold: Duration.seconds(2),
    sourceMaps: false,
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
    // People sign in through your organisation's IdP, for example Okta (an OIDC app with PKCE for the console and one for the CLI):
    // identity: {
    //   providers: [
    //     {
    //       id: 'corp',
    //       name: 'Corp SSO',
    //       issuer: 'https://corp.okta.com/oauth2/default',
    //       audiences: ['<console client id>', '<cli client id>'],
    //       consoleClientId: '<console client id>',
    //       cliClientId: '<cli client id>',
    //       groupsClaim: 'groups',
    //       groupPattern: 'keyward-{tenant}-{role}',
    //     },
    //   ],
    // },
  },
  prod: {
    ...base,
    throttling: { authentication: { rate: 200, burst: 400 }, management: { rate: 500, burst: 1000 } },
    waf: true,
    // 100 each: many times what 200 requests/s need at ~30 ms a call, and 200 of the account's
    // default 1,000 set aside. Reserved concurrency is taken from the account even when idle, and
    // new accounts may have a limit too low to reserve any, so dev and staging leave it unset.
    tokenRouteReservedConcurrency: 100,
    // A warm call takes some 30 ms, a cold start well under a second.
    apiLatencyP99Threshold: Duration.seconds(1),
    sourceMaps: false,
    logRetention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
    requireAlarmSubscriber: true,
    // alarmEmail: 'oncall@example.com', or alarmTopicArn: 'arn:aws:sns:<region>:<account>:<topic>',
    // domain: { name: 'keys.example.com', hostedZone: { id: '<zone id>', name: 'example.com' } },
    // backup: { copyToVaultArn: 'arn:aws:backup:<other region>:<account>:backup-vault:<name>' },
    // People sign in through a Cognito pool of the stack: MFA required and threat protection by default, the pool
    // kept and protected from deletion as this stage retains its data:
    // identity: { cognito: { tenants: ['default'] } },
    // or through your organisation's IdP, as in staging, for example Entra ID (groups claim of object ids):
    // identity: {
    //   providers: [
    //     {
    //       id: 'entra',
    //       name: 'Contoso',
    //       issuer: 'https://login.microsoftonline.com/<tenant id>/v2.0',
    //       audiences: ['<console client id>', '<cli client id>'],
    //       consoleClientId: '<console client id>',
    //       cliClientId: '<cli client id>',
    //       groups: { '<group object id>': { tenant: 'default', role: 'admin' } },
    //     },
    //   ],
    // },
  },
} satisfies Record<string, StageConfig>;

export type StageName = keyof typeof stages;

/** The configuration of `name`, or a clear error naming the stages there are. */
export function stageConfig(name: string): StageConfig {
  if (!Object.hasOwn(stages, name)) {
    throw new Error(`Unknown stage '${name}': use -c stage=${Object.keys(stages).join('|')} (stages are defined in cdk/stages.ts).`);
  }
  return stages[name as StageName];
}

/**
 * The configuration `cdk synth` and `cdk deploy` use: the stage's, with `-c alarmEmail=<address>` or
 * `-c alarmTopicArn=<arn>` from the command line. Refuses a stage that requires an alarm subscriber and has none.
 */
export function deployedStageConfig(name: string, context: Pick<Node, 'tryGetContext'>): StageConfig {
  const given = (key: 'alarmEmail' | 'alarmTopicArn') => {
    const value: unknown = context.tryGetContext(key);
    return typeof value === 'string' && value ? { [key]: value } : {};
  };
  const config: StageConfig = { ...stageConfig(name), ...given('alarmEmail'), ...given('alarmTopicArn') };
  if (config.requireAlarmSubscriber && !config.alarmEmail && !config.alarmTopicArn) {
    throw new Error(
      `Stage '${name}' needs someone to hear its alarms: set alarmEmail or alarmTopicArn for it in cdk/stages.ts, ` +
        'or pass -c alarmEmail=<address> (or -c alarmTopicArn=<arn>) on the cdk command line.',
    );
  }
  return config;
}
