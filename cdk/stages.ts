import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export interface Throttle {
  /** Steady requests per second. */
  rate: number;
  burst: number;
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
  /** A WAF web ACL with a per-IP rate rule on the token endpoints. */
  waf: boolean;
  /** Requests per 5 minutes per IP on the token endpoints, when WAF is on. */
  wafAuthenticationRateLimit: number;
  logRetention: RetentionDays;
  /** E-mail subscribed to the alarm topic, if any. */
  alarmEmail?: string;
  /** Origin of the admin console: the only one CORS allows. */
  consoleOrigin?: string;
  removalPolicy: RemovalPolicy;
}

const base = {
  keyPrefix: 'kw',
  tokenAudience: 'keyward',
  retentionDays: 30,
  auditRetentionDays: 90,
  purgeSchedule: Duration.hours(1),
  signingKeyRotationSchedule: Duration.days(30),
  wafAuthenticationRateLimit: 300,
} satisfies Partial<StageConfig>;

export const stages = {
  dev: {
    ...base,
    throttling: { authentication: { rate: 20, burst: 40 }, management: { rate: 50, burst: 100 } },
    waf: false,
    logRetention: RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
  },
  staging: {
    ...base,
    throttling: { authentication: { rate: 50, burst: 100 }, management: { rate: 100, burst: 200 } },
    waf: true,
    logRetention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  },
  prod: {
    ...base,
    throttling: { authentication: { rate: 200, burst: 400 }, management: { rate: 500, burst: 1000 } },
    waf: true,
    logRetention: RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
  },
} as const satisfies Record<string, StageConfig>;

export type StageName = keyof typeof stages;

/** The configuration of `name`, or a clear error naming the stages there are. */
export function stageConfig(name: string): StageConfig {
  if (!Object.hasOwn(stages, name)) {
    throw new Error(`Unknown stage '${name}': use -c stage=${Object.keys(stages).join('|')} (stages are defined in cdk/stages.ts).`);
  }
  return stages[name as StageName];
}
