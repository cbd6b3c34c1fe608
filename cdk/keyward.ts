import { Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { routes } from '../shared/http/routes.ts';
import { KeywardApi } from './constructs/api.ts';
import { ConsoleHosting } from './constructs/console-hosting.ts';
import { AuditEvents } from './constructs/events.ts';
import { UsageCounting } from './constructs/usage-counting.ts';
import { TableBackup } from './constructs/backup.ts';
import { KeyTable, multiRegionRefusal, TableKey } from './constructs/data.ts';
import { ApiDomain } from './constructs/domain.ts';
import { ApiFirewall } from './constructs/firewall.ts';
import { GithubSecretScanning } from './constructs/github.ts';
import { CognitoPeople, trustedProviders } from './constructs/identity.ts';
import { KeywardFunctions } from './constructs/functions.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { JobSchedules } from './constructs/schedules.ts';
import { SecretsKey } from './constructs/secrets.ts';
import type { FunctionName } from './function-access.ts';
import type { StageConfig } from './stages.ts';

/** The public token routes: tighter throttling, a stricter WAF rate limit. */
const tokenRoutes = [routes.authenticate, routes.oauthToken];

export interface KeywardProps {
  /** Environment name: names the alias, the API stage and the alarms. */
  stage: string;
  config: StageConfig;
}

/**
 * A whole Keyward: API Gateway built from the route table, one function per route and job,
 * the table, the KMS keys, schedules, alarms and a dashboard. Embed it with
 * `new Keyward(this, 'Keys', { stage, config })`; protect your own APIs with `createTokenAuthorizer`.
 *
 * Resources that hold data or a public name (the keys, the table, the API, the console's buckets
 * and distribution, the web ACL, the alarm topic, the dashboard) keep the construct ids they were
 * first deployed with, directly in this construct: a new logical id would replace them.
 */
export class Keyward extends Construct {
  readonly api: apigateway.RestApi;
  readonly table: dynamodb.TableV2;
  /** Seals the pepper, signing keys and recoverable keys; its use is bound to an encryption context. */
  readonly secretsKey: kms.Key;
  /** Encrypts the table at rest; usable only through DynamoDB. */
  readonly tableKey: kms.Key;
  readonly functions: Readonly<Record<FunctionName, NodejsFunction>>;
  readonly alarmTopic: sns.Topic;
  /**
   * The token issuer, also the base of the JWKS and discovery URLs: the API stage URL, or
   * `https://<domain>` for a stage whose domain carries the issuer.
   */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Verifies Keyward access tokens for downstream REST APIs: see `createTokenAuthorizer`. */
  readonly tokenAuthorizerFunction: NodejsFunction;
  /** Checks API keys, with every usage control, for downstream REST APIs: see `createKeyAuthorizer`. */
  readonly keyAuthorizerFunction: NodejsFunction;
  /** Every audit event, as `source: "keyward"`, `detail-type` the action: add your rules here. */
  readonly eventBus: events.EventBus;
  readonly webAcl: wafv2.CfnWebACL | undefined;
  /** Serves the admin console; the API's CORS allows its origin only. */
  readonly consoleDistribution: cloudfront.Distribution;
  readonly consoleUrl: string;
  /** The stage's Cognito pool and its clients, when people sign in through one (see `identity` in cdk/stages.ts). */
  readonly people: CognitoPeople | undefined;
  /** The API's custom domain, when the stage has one (see `domain` in cdk/stages.ts). */
  readonly domain: ApiDomain | undefined;
  /** The daily backup plan of the table, when the stage has one (see `backup` in cdk/stages.ts). */
  readonly backupPlan: backup.BackupPlan | undefined;
  /** GitHub secret scanning: the alert queue and the two secrets (fill the App's in). */
  readonly github: GithubSecretScanning;
  /** Where GitHub sends the App's secret-scanning webhook. */
  readonly githubWebhookUrl: string;

  constructor(scope: Construct, id: string, props: KeywardProps) {
    super(scope, id);
    const { stage, config } = props;
    const { removalPolicy } = config;
    if (config.replicaRegions?.length) throw new Error(multiRegionRefusal);

    const secretsKey = new SecretsKey(this, 'SecretsKey', { stage, removalPolicy });
    const tableKey = new TableKey(this, 'TableKey', { stage, removalPolicy });
    const table = new KeyTable(this, 'Table', { encryptionKey: tableKey, removalPolicy });
    const api = new KeywardApi(this, 'Api', { stage, config, tokenRoutes });
    // The execute-api URL keeps answering beside the domain.
    const domain = config.domain ? new ApiDomain(this, 'Domain', { stage, settings: config.domain, api }) : undefined;
    this.issuer = domain?.issuerOnDomain ? domain.url : api.stageUrl;
    this.jwksUrl = `${this.issuer}${routes.jwks.path}`;

    const consoleHosting = new ConsoleHosting(this, 'ConsoleHosting', { stage, apiOrigin: api.origin, apiUrl: this.issuer, removalPolicy });
    if (domain?.issuerOnDomain) consoleHosting.allowConnectionsTo(domain.url);
    const corsOrigin = config.consoleOrigin ?? consoleHosting.url;

    const { identity } = config;
    const people =
      identity && 'cognito' in identity
        ? new CognitoPeople(this, 'People', { stage, settings: identity.cognito, consoleUrl: corsOrigin, removalPolicy })
        : undefined;
    const identityProviders = people
      ? [people.provider]
      : identity && 'providers' in identity
        ? trustedProviders(stage, identity.providers)
        : [];
    // The console signs people in from the browser: discovery and keys at the issuer, the code's exchange at the token endpoint.
    if (people) {
      consoleHosting.allowConnectionsTo(`https://cognito-idp.${Stack.of(this).region}.amazonaws.com`);
      consoleHosting.allowConnectionsTo(people.managedLoginUrl);
    } else {
      for (const provider of identityProviders) consoleHosting.allowConnectionsTo(new URL(provider.issuer).origin);
    }

    const keywardFunctions = new KeywardFunctions(this, 'Functions', {
      config,
      table,
      secretsKey,
      issuer: this.issuer,
      corsOrigin,
      identityProviders: Stack.of(this).toJsonString(identityProviders),
    });
    const functions = keywardFunctions.byName;
    api.addRoutes(keywardFunctions.invocable, corsOrigin);
    const schedules = new JobSchedules(this, 'Schedules', { config, functions });
    const auditEvents = new AuditEvents(this, 'Events', { stage, table, tableKey, shaper: functions['shape-audit-events'] });
    const usageCounting = new UsageCounting(this, 'UsageCounting', { functions, logGroups: keywardFunctions.logGroups });
    const github = new GithubSecretScanning(this, 'Github', {
      stage,
      removalPolicy,
      webhook: functions['github-secret-scanning'],
      worker: functions['github-alert-worker'],
    });
    this.eventBus = auditEvents.bus;
    // The public leak reports are limited per address as strictly as the token routes.
    const firewall = config.waf
      ? new ApiFirewall(this, 'WebAcl', {
          stage,
          config,
          api,
          tokenRoutes: [...tokenRoutes, routes.reportLeak],
          largeBodyRoutes: [routes.githubSecretScanning],
        })
      : undefined;
    this.webAcl = firewall;
    const monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      alarmEmail: config.alarmEmail,
      alarmTopicArn: config.alarmTopicArn,
      api,
      latencyP99Threshold: config.apiLatencyP99Threshold,
      table,
      functions,
      reservedConcurrency: keywardFunctions.reservedConcurrency,
      firewall: firewall && { webAcl: firewall, blockedRequestsThreshold: config.wafBlockedRequestsThreshold },
      deadLetterQueues: {
        ...schedules.deadLetterQueues,
        'audit-events': auditEvents.deadLetterQueue,
        'count-uses': usageCounting.deadLetterQueue,
        'github-alerts': github.deadLetterQueue,
      },
    });

    this.api = api;
    this.table = table;
    this.secretsKey = secretsKey;
    this.tableKey = tableKey;
    this.functions = functions;
    this.tokenAuthorizerFunction = functions['token-authorizer'];
    this.keyAuthorizerFunction = functions['key-authorizer'];
    this.alarmTopic = monitoring.topic;
    this.consoleDistribution = consoleHosting.distribution;
    this.consoleUrl = consoleHosting.url;
    this.people = people;
    this.domain = domain;
    this.github = github;
    this.githubWebhookUrl = `${this.issuer}${routes.githubSecretScanning.path}`;
    this.backupPlan = config.backup
      ? new TableBackup(this, 'Backup', { stage, settings: config.backup, table, removalPolicy }).plan
      : undefined;
  }

  /**
   * A TOKEN authorizer for one of your REST APIs that accepts Keyward access tokens and
   * passes `tenant`, `keyId`, `keyType` and `scopes` into the request context.
   */
  createTokenAuthorizer(scope: Construct, id: string): apigateway.TokenAuthorizer {
    return new apigateway.TokenAuthorizer(scope, id, { handler: this.tokenAuthorizerFunction, resultsCacheTtl: Duration.minutes(5) });
  }

  /**
   * A REQUEST authorizer for one of your REST APIs that checks the `x-api-key` header of
   * every request against Keyward with every usage control (each request is a use) and
   * passes `keyId`, `tenant`, `scopes`, `ownerId` and `meta` (JSON) into the request context.
   * Results are not cached by default: a cached answer skips the rate limit and credits for
   * as long as it is cached. Give `cacheTtl` only for keys without limits.
   */
  createKeyAuthorizer(scope: Construct, id: string, options: { cacheTtl?: Duration } = {}): apigateway.RequestAuthorizer {
    return new apigateway.RequestAuthorizer(scope, id, {
      handler: this.keyAuthorizerFunction,
      identitySources: [apigateway.IdentitySource.header('x-api-key')],
      resultsCacheTtl: options.cacheTtl ?? Duration.seconds(0),
    });
  }
}
