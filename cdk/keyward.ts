import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { AssetHashType, Aws, DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { keywardTable } from '../shared/adapters/table-definition.ts';
import { jobs, routeList, routes } from '../shared/http/routes.ts';
import { bundling } from './bundling.ts';
import { functionAccess, functionNames, type FunctionAccess } from './function-access.ts';
import type { StageConfig } from './stages.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Managing the key, never using it: no kms:CreateGrant (a grant would let its creator use the key for any purpose). */
const keyAdministration = [
  'kms:CreateAlias', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*',
  'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:RotateKeyOnDemand',
];
const tokenRoutes = [routes.authenticate, routes.oauthToken];

export interface KeywardProps {
  /** Environment name: names the alias, the API stage and the alarms. */
  stage: string;
  config: StageConfig;
}

/**
 * A whole Keyward: API Gateway built from the route table, one function per route and job,
 * the table, the KMS keys, schedules, alarms and a dashboard. Embed it with
 * `new Keyward(this, 'Keys', { stage, config })`; protect your own APIs with `tokenAuthorizer`.
 */
export class Keyward extends Construct {
  readonly api: apigateway.RestApi;
  readonly table: dynamodb.TableV2;
  /** Seals the pepper, signing keys and recoverable keys; its use is bound to an encryption context. */
  readonly secretsKey: kms.Key;
  /** Encrypts the table at rest; usable only through DynamoDB. */
  readonly tableKey: kms.Key;
  readonly functions: Record<string, NodejsFunction> = {};
  readonly alarmTopic: sns.Topic;
  /** The token issuer: the API stage URL, also the base of the JWKS and discovery URLs. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Verifies Keyward access tokens for downstream REST APIs: see `createTokenAuthorizer`. */
  readonly tokenAuthorizerFunction: NodejsFunction;
  readonly webAcl: wafv2.CfnWebACL | undefined;
  /** Serves the admin console; the API's CORS allows its origin only. */
  readonly consoleDistribution: cloudfront.Distribution;
  readonly consoleUrl: string;

  constructor(scope: Construct, id: string, props: KeywardProps) {
    super(scope, id);
    const { stage, config } = props;
    const retain = config.removalPolicy === RemovalPolicy.RETAIN;

    this.alarmTopic = new sns.Topic(this, 'Alarms', { displayName: `Keyward ${stage} alarms`, enforceSSL: true });
    if (config.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));

    const account = new iam.AccountRootPrincipal();
    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      description: `Keyward ${stage}: seals the pepper, token signing keys and recoverable API keys`,
      enableKeyRotation: true,
      // Not the default "the account's IAM decides everything": the account administers the key and
      // may only do what bootstrap does with IAM credentials (seal the pepper and the first signing
      // key, open the pepper to hash the system key); so no IAM policy, however broad, opens a signing
      // key. Every other use is granted to one function's role, for its own purposes (grantAccess).
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'KeyAdministration', principals: [account], actions: keyAdministration, resources: ['*'] }),
          new iam.PolicyStatement({
            sid: 'ProvisionThroughIam',
            principals: [account],
            actions: ['kms:Encrypt'],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:EncryptionContext:purpose': ['pepper', 'signing-key'] } },
          }),
          new iam.PolicyStatement({
            sid: 'OpenPepperThroughIam',
            principals: [account],
            actions: ['kms:Decrypt'],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:EncryptionContext:purpose': 'pepper' } },
          }),
        ],
      }),
      alias: `alias/keyward-${stage}`,
      removalPolicy: config.removalPolicy,
    });
    this.tableKey = new kms.Key(this, 'TableKey', {
      description: `Keyward ${stage}: encrypts the key table at rest`,
      enableKeyRotation: true,
      alias: `alias/keyward-${stage}-table`,
      removalPolicy: config.removalPolicy,
    });

    const { indexes } = keywardTable;
    const attribute = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: attribute(keywardTable.partitionKey),
      sortKey: attribute(keywardTable.sortKey),
      timeToLiveAttribute: keywardTable.ttlAttribute,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.tableKey),
      deletionProtection: retain,
      removalPolicy: config.removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: indexes.byTenant.name,
          partitionKey: attribute(indexes.byTenant.partitionKey),
          sortKey: attribute(indexes.byTenant.sortKey),
          projectionType: dynamodb.ProjectionType.ALL,
        },
        {
          indexName: indexes.byPurgeTime.name,
          partitionKey: attribute(indexes.byPurgeTime.partitionKey),
          sortKey: attribute(indexes.byPurgeTime.sortKey),
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...indexes.byPurgeTime.nonKeyAttributes],
        },
      ],
    });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `keyward-${stage}`,
      description: `Keyward ${stage}: API-key management`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: config.removalPolicy,
      deployOptions: {
        stageName: stage,
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(
          new logs.LogGroup(this, 'AccessLogs', { retention: config.logRetention, removalPolicy: config.removalPolicy }),
        ),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        throttlingRateLimit: config.throttling.management.rate,
        throttlingBurstLimit: config.throttling.management.burst,
        methodOptions: Object.fromEntries(
          tokenRoutes.map((route) => [
            `${route.path}/${route.method}`,
            { throttlingRateLimit: config.throttling.authentication.rate, throttlingBurstLimit: config.throttling.authentication.burst },
          ]),
        ),
      },
    });
    // Built from the ids only (not api.url), which would make every function depend on the deployment.
    const apiOrigin = `https://${this.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    this.issuer = `${apiOrigin}/${stage}`;
    this.jwksUrl = `${this.issuer}${routes.jwks.path}`;
    this.addGatewayResponses();

    const logsBucket = new s3.Bucket(this, 'AccessLogs-bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER, // CloudFront standard logs are written with ACLs
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: config.removalPolicy,
    });
    this.consoleDistribution = this.hostConsole(stage, apiOrigin, logsBucket, config);
    this.consoleUrl = `https://${this.consoleDistribution.distributionDomainName}`;
    const consoleOrigin = config.consoleOrigin ?? this.consoleUrl;

    const environment: Record<string, string> = {
      KEYWARD_TABLE_NAME: this.table.tableName,
      KEYWARD_CIPHER: 'kms',
      KEYWARD_KMS_KEY_ID: this.secretsKey.keyArn,
      KEYWARD_KEY_PREFIX: config.keyPrefix,
      KEYWARD_ISSUER: this.issuer,
      KEYWARD_AUDIENCE: config.tokenAudience,
      KEYWARD_RETENTION_DAYS: String(config.retentionDays),
      KEYWARD_AUDIT_RETENTION_DAYS: String(config.auditRetentionDays),
      KEYWARD_CORS_ORIGIN: consoleOrigin,
      POWERTOOLS_SERVICE_NAME: 'keyward',
      POWERTOOLS_METRICS_NAMESPACE: 'Keyward',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    for (const name of functionNames) {
      const access = functionAccess[name];
      if (!access) throw new Error(`cdk/function-access.ts has no entry for functions/${name}.ts`);
      this.functions[name] = this.createFunction(name, access, environment, config);
    }

    const preflighted = new Set<string>();
    for (const route of routeList) {
      const resource = this.api.root.resourceForPath(route.path);
      resource.addMethod(route.method, new apigateway.LambdaIntegration(this.functions[route.handler]!), { operationName: route.id });
      if (!preflighted.has(route.path)) {
        resource.addCorsPreflight({ allowOrigins: [consoleOrigin], allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-api-key'] });
        preflighted.add(route.path);
      }
    }

    this.tokenAuthorizerFunction = this.functions['token-authorizer']!;

    this.scheduleJobs(config);
    this.webAcl = config.waf ? this.createWebAcl(stage, config) : undefined;
    this.addAlarms(stage);
  }

  /**
   * A TOKEN authorizer for one of your REST APIs that accepts Keyward access tokens and
   * passes `tenant`, `keyId`, `keyType` and `scopes` into the request context.
   */
  createTokenAuthorizer(scope: Construct, id: string): apigateway.TokenAuthorizer {
    return new apigateway.TokenAuthorizer(scope, id, { handler: this.tokenAuthorizerFunction, resultsCacheTtl: Duration.minutes(5) });
  }

  /**
   * The console on S3 behind CloudFront (origin access control, security headers, the CSP
   * naming the API as the only other origin), built by Vite at synth, with a `config.json`
   * that tells it where the API is.
   */
  private hostConsole(stage: string, apiOrigin: string, logsBucket: s3.Bucket, config: StageConfig): cloudfront.Distribution {
    const bucket = new s3.Bucket(this, 'Console', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logsBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      removalPolicy: config.removalPolicy,
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          override: true,
          contentSecurityPolicy: `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${apiOrigin}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
        },
        strictTransportSecurity: { override: true, accessControlMaxAge: Duration.days(365), includeSubdomains: true },
        contentTypeOptions: { override: true },
        frameOptions: { override: true, frameOption: cloudfront.HeadersFrameOption.DENY },
        referrerPolicy: { override: true, referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER },
      },
    });
    const distribution = new cloudfront.Distribution(this, 'ConsoleDistribution', {
      comment: `Keyward ${stage} console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
      },
      enableLogging: true,
      logBucket: logsBucket,
      logFilePrefix: 'console-cdn/',
    });
    const build = s3deploy.Source.asset(join(root, 'console'), {
      assetHashType: AssetHashType.SOURCE,
      exclude: ['dist'],
      bundling: {
        // Never pulled: the local build below always runs (no Docker here or needed).
        image: DockerImage.fromRegistry('node:24'),
        local: {
          tryBundle(outputDir: string) {
            const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
            execFileSync(process.execPath, [vite, 'build', '--config', join(root, 'console', 'vite.config.ts'), '--outDir', outputDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
            return true;
          },
        },
      },
    });
    new s3deploy.BucketDeployment(this, 'ConsoleFiles', {
      sources: [build, s3deploy.Source.jsonData('config.json', { apiUrl: this.issuer })],
      destinationBucket: bucket,
      distribution,
      distributionPaths: ['/*'],
    });
    return distribution;
  }

  private createFunction(name: string, access: FunctionAccess, environment: Record<string, string>, config: StageConfig): NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${name}-logs`, { retention: config.logRetention, removalPolicy: config.removalPolicy });
    const role = new iam.Role(this, `${name}-role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Keyward functions/${name}.ts: only what that handler does`,
    });
    logGroup.grantWrite(role);
    const tokenRoute = tokenRoutes.some((route) => route.handler === name);
    const fn = new NodejsFunction(this, name, {
      entry: join(root, 'functions', `${name}.ts`),
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      // RSA signing is CPU-bound: the token endpoints get more (and so a larger CPU share).
      memorySize: tokenRoute ? 1024 : 512,
      // The public token routes get their own share of the account's concurrency, and no more.
      reservedConcurrentExecutions: tokenRoute ? config.tokenRouteReservedConcurrency : undefined,
      timeout: Duration.seconds(name === jobs.purgeExpiredKeys.handler ? 300 : 10),
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: name === 'token-authorizer' ? { KEYWARD_ISSUER: this.issuer, KEYWARD_AUDIENCE: config.tokenAudience, POWERTOOLS_SERVICE_NAME: 'keyward-authorizer' } : environment,
      bundling,
    });
    this.grantAccess(role, access);
    return fn;
  }

  private grantAccess(role: iam.Role, access: FunctionAccess): void {
    const { tableArn } = this.table;
    const indexArn = (index: 'byTenant' | 'byPurgeTime') => `${tableArn}/index/${keywardTable.indexes[index].name}`;
    if (access.items.length > 0) {
      role.addToPolicy(new iam.PolicyStatement({ actions: access.items.map((action) => `dynamodb:${action}`), resources: [tableArn] }));
    }
    if (access.query.length > 0) {
      role.addToPolicy(
        new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: access.query.map((target) => (target === 'table' ? tableArn : indexArn(target))) }),
      );
    }
    if (access.items.length > 0 || access.query.length > 0) {
      const writes = access.items.some((action) => action !== 'GetItem');
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: writes ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt', 'kms:DescribeKey'],
          resources: [this.tableKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    for (const [action, purposes] of [['kms:Decrypt', access.decrypt], ['kms:Encrypt', access.encrypt]] as const) {
      if (purposes.length === 0) continue;
      const conditions = { StringEquals: { 'kms:EncryptionContext:purpose': [...purposes] } };
      role.addToPolicy(new iam.PolicyStatement({ actions: [action], resources: [this.secretsKey.keyArn], conditions }));
      this.secretsKey.addToResourcePolicy(new iam.PolicyStatement({ principals: [role], actions: [action], resources: ['*'], conditions }));
    }
  }

  /** API Gateway's own answers (unknown route, throttling, WAF block, oversize) in API.md's error shape. */
  private addGatewayResponses(): void {
    const answers: [apigateway.ResponseType, string, string, string][] = [
      [apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'route.not_found', 'No such route: see /openapi.json for the routes.'],
      [apigateway.ResponseType.THROTTLED, '429', 'request.throttled', 'Too many requests: slow down and retry after a moment.'],
      [apigateway.ResponseType.WAF_FILTERED, '403', 'request.blocked', 'The request was blocked by the firewall: too many requests from your address, or a body over 16 KiB.'],
      [apigateway.ResponseType.REQUEST_TOO_LARGE, '413', 'request.too_large', 'The body is larger than 16 KiB; send less.'],
      [apigateway.ResponseType.DEFAULT_4XX, '400', 'request.invalid', 'The request was refused by the gateway: check the method, path and headers.'],
      [apigateway.ResponseType.DEFAULT_5XX, '500', 'internal.error', 'Something went wrong on our side: retry, and quote the requestId if it keeps happening.'],
    ];
    for (const [type, statusCode, code, message] of answers) {
      this.api.addGatewayResponse(`gateway-${code}`, {
        type,
        statusCode,
        responseHeaders: { 'x-request-id': 'context.requestId' },
        templates: { 'application/json': JSON.stringify({ code, message, requestId: '$context.requestId' }) },
      });
    }
  }

  private scheduleJobs(config: StageConfig): void {
    const schedules = [
      [jobs.purgeExpiredKeys.handler, config.purgeSchedule],
      [jobs.rotateSigningKey.handler, config.signingKeyRotationSchedule],
    ] as const;
    for (const [name, every] of schedules) {
      const deadLetterQueue = new sqs.Queue(this, `${name}-dlq`, {
        enforceSSL: true,
        encryption: sqs.QueueEncryption.KMS_MANAGED,
        retentionPeriod: Duration.days(14),
      });
      new scheduler.Schedule(this, `${name}-schedule`, {
        schedule: scheduler.ScheduleExpression.rate(every),
        description: `Keyward: ${name}`,
        target: new targets.LambdaInvoke(this.functions[name]!, { deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      });
      this.alarm(`${name}-dead-letters`, deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }), 1, `${name} could not be run: see its dead-letter queue`);
    }
  }

  private createWebAcl(stage: string, config: StageConfig): wafv2.CfnWebACL {
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    // With and without a trailing slash, so `/v1/authentication/` cannot slip past the limit.
    const tokenPaths: wafv2.CfnWebACL.StatementProperty[] = tokenRoutes.flatMap((route) =>
      [route.path, `${route.path}/`].map((searchString) => ({
        byteMatchStatement: {
          fieldToMatch: { uriPath: {} },
          positionalConstraint: 'ENDS_WITH',
          searchString,
          textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
        },
      })),
    );
    // Contains, not starts with: WAF sees the path as sent, `/<stage>/v1/…` on the execute-api URL,
    // `/v1/…` or `/<base path>/v1/…` on a custom domain.
    const apiPaths: wafv2.CfnWebACL.StatementProperty = {
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'CONTAINS',
        searchString: '/v1/',
        textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
      },
    };
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `keyward-${stage}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`keyward-${stage}`),
      associationConfig: { requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: 'KB_16' } } },
      rules: [
        {
          name: 'token-endpoints-rate-per-ip',
          priority: 0,
          action: { block: {} },
          visibilityConfig: visibility('token-endpoints-rate-per-ip'),
          statement: {
            rateBasedStatement: {
              limit: config.wafAuthenticationRateLimit,
              aggregateKeyType: 'IP',
              scopeDownStatement: { orStatement: { statements: tokenPaths } },
            },
          },
        },
        {
          name: 'api-rate-per-ip',
          priority: 1,
          action: { block: {} },
          visibilityConfig: visibility('api-rate-per-ip'),
          statement: { rateBasedStatement: { limit: config.wafApiRateLimit, aggregateKeyType: 'IP', scopeDownStatement: apiPaths } },
        },
        {
          name: 'body-over-16-kib',
          priority: 2,
          action: { block: {} },
          visibilityConfig: visibility('body-over-16-kib'),
          statement: { sizeConstraintStatement: { fieldToMatch: { body: { oversizeHandling: 'MATCH' } }, comparisonOperator: 'GT', size: 16 * 1024, textTransformations: [{ priority: 0, type: 'NONE' }] } },
        },
        {
          name: 'aws-known-bad-inputs',
          priority: 3,
          overrideAction: { none: {} },
          visibilityConfig: visibility('aws-known-bad-inputs'),
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.api.deploymentStage.stageArn, webAclArn: webAcl.attrArn });
    return webAcl;
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    return alarm;
  }

  private addAlarms(stage: string): void {
    const fiveMinutes = { period: Duration.minutes(5) };
    const serverErrorRate = new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: { errors: this.api.metricServerError({ ...fiveMinutes, statistic: 'Sum' }), requests: this.api.metricCount({ ...fiveMinutes, statistic: 'Sum' }) },
      label: '5xx %',
      ...fiveMinutes,
    });
    this.alarm('api-5xx-rate', serverErrorRate, 1, 'More than 1% of API requests answered 5xx');
    const authenticationFailures = new cloudwatch.Metric({
      namespace: 'Keyward',
      metricName: 'AuthenticationFailure',
      dimensionsMap: { service: 'keyward' },
      statistic: 'Sum',
      ...fiveMinutes,
    });
    this.alarm('authentication-failure-spike', authenticationFailures, 500, 'A spike of failed authentications: someone may be guessing keys');
    this.alarm('dynamodb-throttles', this.table.metricThrottledRequestsForOperations({ ...fiveMinutes, operations: [dynamodb.Operation.GET_ITEM, dynamodb.Operation.QUERY, dynamodb.Operation.TRANSACT_WRITE_ITEMS, dynamodb.Operation.UPDATE_ITEM, dynamodb.Operation.PUT_ITEM, dynamodb.Operation.DELETE_ITEM] }), 1, 'DynamoDB throttled requests');
    const purge = this.functions[jobs.purgeExpiredKeys.handler]!;
    this.alarm('purge-failures', purge.metricErrors(fiveMinutes), 1, 'The purge of expired keys failed');
    for (const [name, fn] of Object.entries(this.functions)) {
      if (name !== jobs.purgeExpiredKeys.handler) this.alarm(`${name}-errors`, fn.metricErrors(fiveMinutes), 1, `functions/${name}.ts failed`);
      this.alarm(`${name}-throttles`, fn.metricThrottles(fiveMinutes), 1, `functions/${name}.ts was throttled`);
    }

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `keyward-${stage}` });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Requests and errors', left: [this.api.metricCount(fiveMinutes), this.api.metricClientError(fiveMinutes), this.api.metricServerError(fiveMinutes)] }),
      new cloudwatch.GraphWidget({ title: 'Latency (p50, p99)', left: [this.api.metricLatency({ ...fiveMinutes, statistic: 'p50' }), this.api.metricLatency({ ...fiveMinutes, statistic: 'p99' })] }),
      new cloudwatch.GraphWidget({
        title: 'Authentications',
        left: [authenticationFailures, new cloudwatch.Metric({ namespace: 'Keyward', metricName: 'AuthenticationSuccess', dimensionsMap: { service: 'keyward' }, statistic: 'Sum', ...fiveMinutes })],
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: Object.values(this.functions).map((fn) => fn.metricErrors(fiveMinutes)),
      }),
    );
  }
}
