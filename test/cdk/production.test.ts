import { describe, expect, it } from 'vitest';
import { App, Aspects, type CfnElement, Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import nag from 'cdk-nag';
import { accountStage, KeywardAccountSettings } from '../../cdk/account-stack.ts';
import { KeywardStack } from '../../cdk/keyward-stack.ts';
import { deployedStageConfig, type StageConfig, stageConfig, stages, type StageName } from '../../cdk/stages.ts';
import { outputNames, stackName } from '../../cdk/outputs.ts';
import { routes } from '../../shared/http/routes.ts';
import { cdkJsonContext, cfnText, ofType, only, type Resource, type SynthesizedStack } from '../support/cdk-template.ts';

/*
 * Template assertions for running in production: a custom domain that carries the issuer, an alarm
 * subscriber required in prod, API Gateway's account settings in a stack of their own, source maps
 * only in dev, an opt-in backup copied elsewhere, the production alarms, and the refusal of a
 * second region. Synthesized without bundling, as in stack.test.ts.
 */

const domainName = 'keys.example.com';
const zone = { id: 'Z0123456789ABCDEFGHIJ', name: 'example.com' };
const certificateArn = 'arn:aws:acm:us-east-1:111122223333:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
const copyToVaultArn = 'arn:aws:backup:eu-west-1:444455556666:backup-vault:keyward-copies';
const alarmEmail = 'oncall@example.com';
const alarmTopicArn = 'arn:aws:sns:us-east-1:444455556666:pager';
/** The functions whose concurrency prod reserves, written out here and not taken from cdk/function-settings.ts. */
const tokenFunctions = ['authenticate', 'oauth-token'];

interface Synthesized extends SynthesizedStack<KeywardStack> {
  logicalId: (construct: { node: { defaultChild?: unknown } }) => string;
}

const built = new Map<string, Synthesized>();

/** A stage's stack as `cdk synth -c stage=<stage>` builds it, with `context` on the command line and `changes` to its configuration. */
function synthesized(stage: StageName, changes: Partial<StageConfig> = {}, context: Record<string, string> = {}): Synthesized {
  const key = JSON.stringify([stage, changes, context]);
  const cached = built.get(key);
  if (cached) return cached;
  const app = new App({ context: { ...cdkJsonContext, stage, ...context, 'aws:cdk:bundling-stacks': [] } });
  const config = { ...deployedStageConfig(stage, app.node), ...changes };
  const stack = new KeywardStack(app, stackName(stage), { stage, config, env: { region: 'us-east-1' } });
  Aspects.of(app).add(new nag.AwsSolutionsChecks());
  const json = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown }> };
  const result: Synthesized = {
    stack,
    resources: json.Resources,
    outputs: json.Outputs ?? {},
    annotations: Annotations.fromStack(stack),
    logicalId: (construct) => stack.getLogicalId(construct.node.defaultChild as CfnElement),
  };
  built.set(key, result);
  return result;
}

/** Prod with the smallest configuration it accepts: an alarm e-mail from the command line. */
const prod = (changes: Partial<StageConfig> = {}) => synthesized('prod', changes, { alarmEmail });
const onDomain = () => prod({ domain: { name: domainName, hostedZone: zone }, backup: { copyToVaultArn } });

const text = (value: unknown) => cfnText(value, (target) => `{${target}}`);

/** Every function's environment, by function name. */
function environments(s: Synthesized): [string, Record<string, unknown>][] {
  return Object.entries(s.stack.keyward.functions).map(([name, fn]) => [
    name,
    s.resources[s.logicalId(fn)]!.Properties.Environment?.Variables ?? {},
  ]);
}

interface WatchedMetric {
  namespace: string;
  metricName: string;
  statistic: string | undefined;
  dimensions: Record<string, string>;
}

/** The metrics an alarm watches, whether one metric or metric math. */
function watched(alarm: Resource): WatchedMetric[] {
  const dims = (list: { Name: string; Value: unknown }[] | undefined) =>
    Object.fromEntries((list ?? []).map((d) => [d.Name, text(d.Value)]));
  const props = alarm.Properties;
  if (props.MetricName) {
    return [
      {
        namespace: props.Namespace,
        metricName: props.MetricName,
        statistic: props.Statistic ?? props.ExtendedStatistic,
        dimensions: dims(props.Dimensions),
      },
    ];
  }
  return (props.Metrics as { MetricStat?: { Stat: string; Metric: { Namespace: string; MetricName: string; Dimensions?: any[] } } }[])
    .filter((m) => m.MetricStat)
    .map(({ MetricStat }) => ({
      namespace: MetricStat!.Metric.Namespace,
      metricName: MetricStat!.Metric.MetricName,
      statistic: MetricStat!.Stat,
      dimensions: dims(MetricStat!.Metric.Dimensions),
    }));
}

function alarmsWatching(s: Synthesized, namespace: string, metricName: string, dimensions: Record<string, string> = {}): Resource[] {
  return ofType(s, 'AWS::CloudWatch::Alarm')
    .map(([, alarm]) => alarm)
    .filter((alarm) =>
      watched(alarm).some(
        (m) =>
          m.namespace === namespace && m.metricName === metricName && Object.entries(dimensions).every(([k, v]) => m.dimensions[k] === v),
      ),
    );
}

function nagFindings(annotations: Annotations) {
  const format = (entries: ReturnType<Annotations['findError']>) => entries.map((entry) => `${entry.id}: ${String(entry.entry.data)}`);
  return {
    errors: format(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))),
    warnings: format(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))),
  };
}

describe('a custom domain', () => {
  it('gets a DNS-validated certificate in the hosted zone when no certificate is given', () => {
    const [, certificate] = only(onDomain(), 'AWS::CertificateManager::Certificate');
    expect(certificate.Properties).toMatchObject({
      DomainName: domainName,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: domainName, HostedZoneId: zone.id }],
    });
  });

  it('is a regional API Gateway domain with TLS 1.2, dual stack, mapped at its root to the stage', () => {
    const s = onDomain();
    const [certificateId] = only(s, 'AWS::CertificateManager::Certificate');
    const [domainId, domain] = only(s, 'AWS::ApiGateway::DomainName');
    expect(domain.Properties).toEqual({
      DomainName: domainName,
      RegionalCertificateArn: { Ref: certificateId },
      EndpointConfiguration: { Types: ['REGIONAL'], IpAddressType: 'dualstack' },
      SecurityPolicy: 'TLS_1_2',
    });
    const [, mapping] = only(s, 'AWS::ApiGateway::BasePathMapping');
    const [stageId] = only(s, 'AWS::ApiGateway::Stage');
    expect(mapping.Properties.BasePath ?? '').toBe('');
    expect(mapping.Properties).toMatchObject({
      DomainName: { Ref: domainId },
      RestApiId: { Ref: s.logicalId(s.stack.keyward.api) },
      Stage: { Ref: stageId },
    });
  });

  it('gets alias A and AAAA records in the hosted zone', () => {
    const s = onDomain();
    const [domainId] = only(s, 'AWS::ApiGateway::DomainName');
    const records = ofType(s, 'AWS::Route53::RecordSet').map(([, record]) => record.Properties);
    expect(records.map((record) => record.Type).sort()).toEqual(['A', 'AAAA']);
    for (const record of records) {
      expect(record).toMatchObject({ Name: `${domainName}.`, HostedZoneId: zone.id });
      expect(text(record.AliasTarget.DNSName)).toBe(`{${domainId}.RegionalDomainName}`);
      expect(text(record.AliasTarget.HostedZoneId)).toBe(`{${domainId}.RegionalHostedZoneId}`);
    }
  });

  it('carries the issuer: the Issuer and JWKS outputs and every function’s KEYWARD_ISSUER are on the domain', () => {
    const s = onDomain();
    expect(s.outputs[outputNames.issuer]!.Value).toBe(`https://${domainName}`);
    expect(s.outputs[outputNames.jwksUrl]!.Value).toBe(`https://${domainName}${routes.jwks.path}`);
    const issuers = environments(s).filter(([, env]) => env.KEYWARD_ISSUER !== undefined);
    expect(issuers.map(([name]) => name)).toEqual(expect.arrayContaining(['authenticate', 'oauth-token', 'jwks', 'token-authorizer']));
    for (const [name, env] of issuers) expect(env.KEYWARD_ISSUER, name).toBe(`https://${domainName}`);
  });

  it('leaves the execute-api endpoint on, and lets the console call the domain', () => {
    const s = onDomain();
    const [, api] = only(s, 'AWS::ApiGateway::RestApi');
    expect(api.Properties.DisableExecuteApiEndpoint ?? false).toBe(false);
    const [, headers] = only(s, 'AWS::CloudFront::ResponseHeadersPolicy');
    const csp = text(headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toMatch(new RegExp(`connect-src [^;]*https://${domainName.replaceAll('.', '\\.')}`));
  });

  it('uses a given certificate as is, and without a hosted zone creates no records', () => {
    const s = prod({ domain: { name: domainName, certificateArn } });
    expect(ofType(s, 'AWS::CertificateManager::Certificate')).toEqual([]);
    expect(ofType(s, 'AWS::Route53::RecordSet')).toEqual([]);
    expect(only(s, 'AWS::ApiGateway::DomainName')[1].Properties.RegionalCertificateArn).toBe(certificateArn);
    expect(s.outputs[outputNames.issuer]!.Value).toBe(`https://${domainName}`);
  });

  it('keeps the execute-api issuer with issuerOnDomain false, as a stage already deployed needs until its verifiers move', () => {
    const s = prod({ domain: { name: domainName, hostedZone: zone, issuerOnDomain: false } });
    only(s, 'AWS::ApiGateway::DomainName');
    const apiId = s.logicalId(s.stack.keyward.api);
    const issuer = text(s.outputs[outputNames.issuer]!.Value);
    expect(issuer).toMatch(new RegExp(`^https://\\{${apiId}\\}\\.execute-api\\..+/prod$`));
    for (const [name, env] of environments(s)) {
      if (env.KEYWARD_ISSUER !== undefined) expect(text(env.KEYWARD_ISSUER), name).toBe(issuer);
    }
  });

  it('refuses a domain with neither a certificate nor a hosted zone to validate one in', () => {
    expect(() => prod({ domain: { name: domainName } })).toThrow(/certificateArn.*hostedZone/);
  });

  it('leaves the execute-api issuer alone on a stage without a domain', () => {
    const s = prod();
    expect(ofType(s, 'AWS::ApiGateway::DomainName')).toEqual([]);
    expect(text(s.outputs[outputNames.issuer]!.Value)).toMatch(/\.execute-api\..+\/prod$/);
  });
});

describe('alarm subscribers', () => {
  it('prod refuses to synthesize without one, naming both ways to give it', () => {
    const app = new App({ context: { ...cdkJsonContext, stage: 'prod' } });
    expect(() => deployedStageConfig('prod', app.node)).toThrow(
      /Stage 'prod' needs .*alarmEmail or alarmTopicArn .*cdk\/stages\.ts.*-c alarmEmail=<address> \(or -c alarmTopicArn=<arn>\)/,
    );
  });

  it('prod with -c alarmEmail synthesizes with that address subscribed to the alarm topic', () => {
    const s = prod();
    const [, subscription] = only(s, 'AWS::SNS::Subscription');
    expect(subscription.Properties).toMatchObject({
      Protocol: 'email',
      Endpoint: alarmEmail,
      TopicArn: { Ref: s.logicalId(s.stack.keyward.alarmTopic) },
    });
  });

  it('prod with -c alarmTopicArn synthesizes and sends every alarm to that topic as well as to its own', () => {
    const s = synthesized('prod', {}, { alarmTopicArn });
    expect(ofType(s, 'AWS::SNS::Subscription')).toEqual([]);
    const topic = `{${s.logicalId(s.stack.keyward.alarmTopic)}}`;
    const alarms = ofType(s, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [id, alarm] of alarms) {
      expect((alarm.Properties.AlarmActions as unknown[]).map(text).sort(), id).toEqual([alarmTopicArn, topic].sort());
    }
  });

  it('dev and staging need none', () => {
    for (const stage of ['dev', 'staging'] as const) {
      const app = new App({ context: { ...cdkJsonContext, stage } });
      expect(deployedStageConfig(stage, app.node).alarmEmail).toBeUndefined();
    }
  });
});

describe("API Gateway's account settings", () => {
  it.each(Object.keys(stages) as StageName[])('the %s stack neither sets them nor creates a role for API Gateway', (stage) => {
    const s = stage === 'prod' ? prod() : synthesized(stage);
    expect(ofType(s, 'AWS::ApiGateway::Account')).toEqual([]);
    const apiGatewayRoles = ofType(s, 'AWS::IAM::Role').filter(([, role]) =>
      JSON.stringify(role.Properties).includes('apigateway.amazonaws.com'),
    );
    expect(apiGatewayRoles).toEqual([]);
  });

  it('are a stack of their own, deployed with -c stage=account: the CloudWatch role and AWS::ApiGateway::Account, both kept on delete', () => {
    const app = new App({ context: { ...cdkJsonContext, stage: accountStage } });
    const stack = new KeywardAccountSettings(app, 'Keyward-account', { env: { region: 'us-east-1' } });
    Aspects.of(app).add(new nag.AwsSolutionsChecks());
    const resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> }).Resources;
    const accounts = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Account');
    expect(accounts).toHaveLength(1);
    const roleId = accounts[0]!.Properties.CloudWatchRoleArn['Fn::GetAtt'][0] as string;
    const role = resources[roleId]!;
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
    ]);
    expect(role.Properties.ManagedPolicyArns.map(text)).toEqual([
      'arn:{AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    ]);
    expect([role.DeletionPolicy, accounts[0]!.DeletionPolicy]).toEqual(['Retain', 'Retain']);
    expect(nagFindings(Annotations.fromStack(stack))).toEqual({ errors: [], warnings: [] });
  });
});

describe('source maps', () => {
  it('are on in dev: every service function starts Node with --enable-source-maps', () => {
    const withMaps = environments(synthesized('dev')).filter(([, env]) => env.NODE_OPTIONS === '--enable-source-maps');
    expect(withMaps.map(([name]) => name)).toEqual(expect.arrayContaining(['authenticate', 'create-key', 'purge-expired-keys']));
  });

  it.each(['staging', 'prod'] as const)('are off in %s: no function starts Node with them', (stage) => {
    const s = stage === 'prod' ? prod() : synthesized(stage);
    for (const [name, env] of environments(s)) expect(String(env.NODE_OPTIONS ?? ''), name).not.toContain('source-maps');
  });
});

describe('backup', () => {
  it('backs the table up daily into a vault of the stack and copies each backup to the given vault, kept 35 days by default', () => {
    const s = onDomain();
    const [vaultId] = only(s, 'AWS::Backup::BackupVault');
    const [planId, plan] = only(s, 'AWS::Backup::BackupPlan');
    const rules = plan.Properties.BackupPlan.BackupPlanRule as Record<string, any>[];
    expect(rules).toHaveLength(1);
    const rule = rules[0]!;
    expect(text(rule.TargetBackupVault)).toBe(`{${vaultId}.BackupVaultName}`);
    expect(rule.ScheduleExpression).toMatch(/^cron\(0 3 \* \* \? \*\)$/);
    expect(rule.Lifecycle).toEqual({ DeleteAfterDays: 35 });
    expect(rule.CopyActions).toEqual([{ DestinationBackupVaultArn: copyToVaultArn, Lifecycle: { DeleteAfterDays: 35 } }]);
    const [, selection] = only(s, 'AWS::Backup::BackupSelection');
    expect(selection.Properties.BackupPlanId).toEqual({ 'Fn::GetAtt': [planId, 'BackupPlanId'] });
    const tableArn = `{${s.logicalId(s.stack.keyward.table)}.Arn}`;
    expect(selection.Properties.BackupSelection.Resources.map(text)).toEqual([tableArn]);
  });

  it('keeps backups and copies for the days given', () => {
    const s = prod({ backup: { copyToVaultArn, retentionDays: 400 } });
    const rule = only(s, 'AWS::Backup::BackupPlan')[1].Properties.BackupPlan.BackupPlanRule[0];
    expect([rule.Lifecycle, rule.CopyActions[0].Lifecycle]).toEqual([{ DeleteAfterDays: 400 }, { DeleteAfterDays: 400 }]);
  });

  it('is off unless a stage sets it', () => {
    for (const s of [synthesized('dev'), synthesized('staging'), prod()]) {
      expect(Object.values(s.resources).filter((r) => r.Type.startsWith('AWS::Backup::'))).toEqual([]);
    }
  });

  it('keeps cdk-nag clean with a domain and a backup', () => {
    expect(nagFindings(onDomain().annotations)).toEqual({ errors: [], warnings: [] });
  });
});

describe('production alarms', () => {
  it('alarm on DynamoDB system errors of every operation the functions make', () => {
    const s = prod();
    const TableName = `{${s.logicalId(s.stack.keyward.table)}}`;
    for (const Operation of ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems']) {
      expect(alarmsWatching(s, 'AWS/DynamoDB', 'SystemErrors', { TableName, Operation }), Operation).toHaveLength(1);
      expect(alarmsWatching(s, 'AWS/DynamoDB', 'ThrottledRequests', { TableName, Operation }), Operation).toHaveLength(1);
    }
  });

  it.each([
    ['dev', Duration.seconds(5)],
    ['staging', Duration.seconds(2)],
    ['prod', Duration.seconds(1)],
  ] as const)('alarm in %s when the API p99 latency stays at or above %s', (stage, threshold) => {
    const s = stage === 'prod' ? prod() : synthesized(stage);
    const apiName = only(s, 'AWS::ApiGateway::RestApi')[1].Properties.Name as string;
    const alarms = alarmsWatching(s, 'AWS/ApiGateway', 'Latency', { ApiName: apiName });
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({
      ExtendedStatistic: 'p99',
      Threshold: threshold.toMilliseconds(),
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
    });
  });

  it('alarm when a token function reaches 80% of its reserved concurrency', () => {
    const s = prod();
    const reserved = stageConfig('prod').tokenRouteReservedConcurrency!;
    expect(reserved).toBe(100);
    const alarmed = ofType(s, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      watched(alarm).some((m) => m.metricName === 'ConcurrentExecutions'),
    );
    expect(alarmed).toHaveLength(tokenFunctions.length);
    for (const name of tokenFunctions) {
      const FunctionName = `{${s.logicalId(s.stack.keyward.functions[name as 'authenticate'])}}`;
      const alarms = alarmsWatching(s, 'AWS/Lambda', 'ConcurrentExecutions', { FunctionName });
      expect(alarms, name).toHaveLength(1);
      expect(alarms[0]!.Properties).toMatchObject({ Statistic: 'Maximum', Period: 60, Threshold: 80 });
    }
  });

  it('have no concurrency alarm where nothing is reserved', () => {
    expect(alarmsWatching(synthesized('dev'), 'AWS/Lambda', 'ConcurrentExecutions')).toEqual([]);
  });

  it('alarm on requests the web ACL blocks, where WAF is on', () => {
    for (const s of [synthesized('staging'), prod()]) {
      const [, acl] = only(s, 'AWS::WAFv2::WebACL');
      const alarms = alarmsWatching(s, 'AWS/WAFV2', 'BlockedRequests', { WebACL: acl.Properties.Name, Rule: 'ALL', Region: 'us-east-1' });
      expect(alarms).toHaveLength(1);
      expect(alarms[0]!.Properties).toMatchObject({ Statistic: 'Sum', Threshold: stageConfig('prod').wafBlockedRequestsThreshold });
    }
    expect(alarmsWatching(synthesized('dev'), 'AWS/WAFV2', 'BlockedRequests')).toEqual([]);
  });
});

describe('the firewall of the routes leaks arrive on', () => {
  const ruleOf = (name: string) => {
    const [, acl] = only(prod(), 'AWS::WAFv2::WebACL');
    return (acl.Properties.Rules as { Name: string; Statement: any }[]).find((rule) => rule.Name === name)!.Statement;
  };

  it('limits the public leak reports per address as strictly as the token routes', () => {
    const paths = ruleOf('token-endpoints-rate-per-ip').RateBasedStatement.ScopeDownStatement.OrStatement.Statements.map(
      (statement: any) => statement.ByteMatchStatement.SearchString,
    );
    expect(paths).toEqual(expect.arrayContaining([routes.reportLeak.path, `${routes.reportLeak.path}/`, routes.authenticate.path]));
  });

  it("lets GitHub's webhook past the 16 KiB body rule, and only it", () => {
    const [oversize, ...exempt] = ruleOf('body-over-16-kib').AndStatement.Statements;
    expect(oversize.SizeConstraintStatement).toMatchObject({ ComparisonOperator: 'GT', Size: 16 * 1024 });
    expect(exempt.map((statement: any) => statement.NotStatement.Statement.ByteMatchStatement.SearchString)).toEqual([
      routes.githubSecretScanning.path,
    ]);
  });
});

describe('one region only', () => {
  it('refuses a stage with replica regions, pointing at docs/multi-region.md', () => {
    expect(() => prod({ replicaRegions: ['eu-west-1'] })).toThrow(/docs\/multi-region\.md/);
  });

  it('refuses a replica added to the table, pointing at docs/multi-region.md', () => {
    const { table } = synthesized('dev').stack.keyward;
    expect(() => table.addReplica({ region: 'eu-west-1' })).toThrow(/docs\/multi-region\.md/);
  });

  it('synthesizes with no replica list', () => {
    expect(() => prod({ replicaRegions: [] })).not.toThrow();
  });
});
