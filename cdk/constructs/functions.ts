import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundling, projectRoot } from '../bundling.ts';
import { functionAccess, functionNames, type FunctionName } from '../function-access.ts';
import { functionSettings, type FunctionSettings } from '../function-settings.ts';
import type { StageConfig } from '../stages.ts';
import type { KeyTable } from './data.ts';
import type { SecretsKey } from './secrets.ts';

export interface KeywardFunctionsProps {
  config: StageConfig;
  table: KeyTable;
  secretsKey: SecretsKey;
  /** The token issuer: the API's stage URL, or its custom domain. */
  issuer: string;
  /** The one origin the functions' CORS answers allow: the console's. */
  corsOrigin: string;
  /** The trusted identity providers as a JSON array (resolved at deployment), for the functions whose settings read them. */
  identityProviders: string;
}

/**
 * One NodejsFunction per route, per job and for the downstream authorizers (nodejs24.x on arm64,
 * traced), each with its own log group and its own role holding only what its handler does:
 * the table, index and KMS access of cdk/function-access.ts. Memory, timeout, environment and
 * reserved concurrency come from cdk/function-settings.ts.
 */
export class KeywardFunctions extends Construct {
  readonly byName: Record<FunctionName, NodejsFunction>;
  /** What API Gateway calls: the function, or for the token routes with provisioned concurrency its `live` alias. */
  readonly invocable: Record<FunctionName, lambda.IFunction>;
  readonly logGroups: Record<FunctionName, logs.LogGroup>;
  /** The functions with reserved concurrency, and how much. */
  readonly reservedConcurrency: Partial<Record<FunctionName, number>>;

  constructor(scope: Construct, id: string, { config, table, secretsKey, issuer, corsOrigin, identityProviders }: KeywardFunctionsProps) {
    super(scope, id);
    const environments: Record<FunctionSettings['environment'], Record<string, string>> = {
      service: {
        KEYWARD_TABLE_NAME: table.tableName,
        KEYWARD_CIPHER: 'kms',
        KEYWARD_KMS_KEY_ID: secretsKey.keyArn,
        KEYWARD_KEY_PREFIX: config.keyPrefix,
        KEYWARD_ISSUER: issuer,
        KEYWARD_AUDIENCE: config.tokenAudience,
        KEYWARD_RETENTION_DAYS: String(config.retentionDays),
        KEYWARD_AUDIT_RETENTION_DAYS: String(config.auditRetentionDays),
        KEYWARD_CORS_ORIGIN: corsOrigin,
        POWERTOOLS_SERVICE_NAME: 'keyward',
        POWERTOOLS_METRICS_NAMESPACE: 'Keyward',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...(config.sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
      authorizer: { KEYWARD_ISSUER: issuer, KEYWARD_AUDIENCE: config.tokenAudience, POWERTOOLS_SERVICE_NAME: 'keyward-authorizer' },
    };
    const byName: Partial<Record<FunctionName, NodejsFunction>> = {};
    const invocable: Partial<Record<FunctionName, lambda.IFunction>> = {};
    const logGroups: Partial<Record<FunctionName, logs.LogGroup>> = {};
    const reservedConcurrency: Partial<Record<FunctionName, number>> = {};
    for (const name of functionNames) {
      const settings = functionSettings[name];
      const access = functionAccess[name];
      const logGroup = new logs.LogGroup(this, `${name}-logs`, { retention: config.logRetention, removalPolicy: config.removalPolicy });
      logGroups[name] = logGroup;
      const role = new iam.Role(this, `${name}-role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Keyward functions/${name}.ts: only what that handler does`,
      });
      logGroup.grantWrite(role);
      const reserved = settings.reservedConcurrency ? config.tokenRouteReservedConcurrency : undefined;
      if (reserved) reservedConcurrency[name] = reserved;
      byName[name] = new NodejsFunction(this, name, {
        entry: join(projectRoot, 'functions', `${name}.ts`),
        handler: 'handler',
        projectRoot,
        depsLockFilePath: join(projectRoot, 'package-lock.json'),
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: settings.memorySize,
        reservedConcurrentExecutions: reserved,
        timeout: Duration.seconds(settings.timeoutSeconds),
        role,
        logGroup,
        tracing: lambda.Tracing.ACTIVE,
        environment: {
          ...environments[settings.environment],
          ...(settings.identityProviders ? { KEYWARD_IDENTITY_PROVIDERS: identityProviders } : {}),
        },
        bundling,
      });
      table.grantAccess(role, access);
      secretsKey.grantSeal(role, { decrypt: access.decrypt, encrypt: access.encrypt });
      const provisioned = settings.reservedConcurrency ? config.tokenRouteProvisionedConcurrency : undefined;
      invocable[name] = provisioned
        ? new lambda.Alias(this, `${name}-live`, {
            aliasName: 'live',
            version: byName[name].currentVersion,
            provisionedConcurrentExecutions: provisioned,
          })
        : byName[name];
    }
    this.byName = byName as Record<FunctionName, NodejsFunction>;
    this.invocable = invocable as Record<FunctionName, lambda.IFunction>;
    this.logGroups = logGroups as Record<FunctionName, logs.LogGroup>;
    this.reservedConcurrency = reservedConcurrency;
  }
}
