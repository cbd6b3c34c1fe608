import { describe, expect, it } from 'vitest';
import { App, Aspects, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import nag from 'cdk-nag';
import { KeywardStack } from '../../cdk/keyward-stack.ts';
import { stageConfig } from '../../cdk/stages.ts';
import { outputNames, stackName } from '../../cdk/outputs.ts';
import { loadConfig } from '../../shared/config.ts';
import { cdkJsonContext, cfnText, ofType, type Resource, type SynthesizedStack } from '../support/cdk-template.ts';

/*
 * Template assertions for GitHub secret scanning on AWS: the alert queue and its dead-letter
 * queue, the worker's event source, the two secrets, what each function may do with them, and
 * the outputs. Synthesized without bundling, as in stack.test.ts.
 */

interface Synthesized extends SynthesizedStack<KeywardStack> {
  /** Logical id of each function, by name. */
  functions: Record<string, string>;
  /** Logical ids of the GitHub resources. */
  ids: { queue: string; deadLetterQueue: string; webhookSecret: string; appSecret: string };
}

const built = new Map<string, Synthesized>();

function synthesized(stage: string): Synthesized {
  const cached = built.get(stage);
  if (cached) return cached;
  const app = new App({ context: { ...cdkJsonContext, stage, 'aws:cdk:bundling-stacks': [] } });
  const stack = new KeywardStack(app, stackName(stage), { stage, config: stageConfig(stage), env: { region: 'us-east-1' } });
  Aspects.of(app).add(new nag.AwsSolutionsChecks());
  const json = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown }> };
  const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const functions = Object.fromEntries(Object.entries(stack.keyward.functions).map(([name, fn]) => [name, logicalId(fn)]));
  const { github } = stack.keyward;
  const ids = {
    queue: logicalId(github.queue),
    deadLetterQueue: logicalId(github.deadLetterQueue),
    webhookSecret: logicalId(github.webhookSecret),
    appSecret: logicalId(github.appSecret),
  };
  const result = {
    stack,
    resources: json.Resources,
    outputs: json.Outputs ?? {},
    annotations: Annotations.fromStack(stack),
    functions,
    ids,
  };
  built.set(stage, result);
  return result;
}

/** A CloudFormation value as text (a Ref or GetAtt as `{target}`); anything else, such as Fn::Sub, as its JSON. */
function text(value: unknown): string {
  try {
    return cfnText(value, (target) => `{${target}}`);
  } catch {
    return JSON.stringify(value);
  }
}
const WEBHOOK = 'github-secret-scanning';
const WORKER = 'github-alert-worker';

function environmentOf(s: Synthesized, name: string): Record<string, unknown> {
  return s.resources[s.functions[name]!]!.Properties.Environment?.Variables ?? {};
}

interface Grant {
  /** The function whose role holds it, or the role's logical id for a role of no function. */
  holder: string;
  actions: string[];
  resources: string[];
}

/** Every Allow statement of every identity policy in the template, by the function whose role it is attached to. */
function grants(s: Synthesized): Grant[] {
  const roleOf = Object.fromEntries(
    Object.entries(s.functions).map(([name, id]) => [text(s.resources[id]!.Properties.Role).replace(/\.Arn\}$/, '}'), name]),
  );
  const found: Grant[] = [];
  for (const [, policy] of ofType(s, 'AWS::IAM::Policy')) {
    for (const role of policy.Properties.Roles as unknown[]) {
      const holder = roleOf[text(role)] ?? text(role);
      for (const statement of policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) {
        if (statement.Effect !== 'Allow') continue;
        found.push({ holder, actions: [statement.Action].flat().map(String), resources: [statement.Resource].flat().map(text) });
      }
    }
  }
  return found;
}

const githubResources = (s: Synthesized) => {
  const { queue, deadLetterQueue, webhookSecret, appSecret } = s.ids;
  return new Set([`{${queue}.Arn}`, `{${deadLetterQueue}.Arn}`, `{${webhookSecret}}`, `{${appSecret}}`]);
};

/** The sqs: and secretsmanager: grants (wildcards included) that reach a GitHub resource or every resource. */
function githubGrants(s: Synthesized): { holder: string; action: string; resource: string }[] {
  const targets = githubResources(s);
  return grants(s).flatMap(({ holder, actions, resources }) =>
    actions
      .filter((action) => /^(sqs|secretsmanager|\*)/i.test(action))
      .flatMap((action) =>
        resources.filter((resource) => targets.has(resource) || resource.includes('*')).map((resource) => ({ holder, action, resource })),
      ),
  );
}

describe.each(['dev', 'prod'])('GitHub secret scanning in %s', (stage) => {
  it('queues alerts in an encrypted, TLS-only queue that hides a message for six worker timeouts, keeps it 4 days and dead-letters it after 5 receives', () => {
    const s = synthesized(stage);
    const queue = s.resources[s.ids.queue]!;
    const deadLetters = s.resources[s.ids.deadLetterQueue]!;
    expect(queue.Type).toBe('AWS::SQS::Queue');
    expect(queue.Properties).toMatchObject({
      KmsMasterKeyId: 'alias/aws/sqs',
      VisibilityTimeout: 180,
      MessageRetentionPeriod: 4 * 24 * 3600,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [s.ids.deadLetterQueue, 'Arn'] }, maxReceiveCount: 5 },
    });
    const worker = s.resources[s.functions[WORKER]!]!;
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.Properties.Timeout);
    expect(deadLetters.Properties).toMatchObject({ KmsMasterKeyId: 'alias/aws/sqs', MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(deadLetters.Properties.RedrivePolicy).toBeUndefined();
    for (const id of [s.ids.queue, s.ids.deadLetterQueue]) {
      const policies = ofType(s, 'AWS::SQS::QueuePolicy').filter(([, policy]) =>
        (policy.Properties.Queues as unknown[]).map(text).includes(`{${id}}`),
      );
      const statements = policies.flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Record<string, any>[]);
      expect(statements, id).toEqual([
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]);
    }
  });

  it('feeds the worker, and only it, in small batches that report their failed items, a few at a time', () => {
    const s = synthesized(stage);
    const mappings = ofType(s, 'AWS::Lambda::EventSourceMapping').filter(
      ([, mapping]) => text(mapping.Properties.EventSourceArn) === `{${s.ids.queue}.Arn}`,
    );
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0]!;
    expect(text(mapping.Properties.FunctionName)).toBe(`{${s.functions[WORKER]}}`);
    expect(mapping.Properties.BatchSize).toBeGreaterThanOrEqual(1);
    expect(mapping.Properties.BatchSize).toBeLessThanOrEqual(5);
    expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.Properties.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
    expect(mapping.Properties.ScalingConfig.MaximumConcurrency).toBeLessThanOrEqual(5);
  });

  it('alarms, to the alarm topic, as soon as a message is in the dead-letter queue', () => {
    const s = synthesized(stage);
    const alarms = ofType(s, 'AWS::CloudWatch::Alarm').filter(
      ([, alarm]) =>
        alarm.Properties.Namespace === 'AWS/SQS' &&
        alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        text(alarm.Properties.Dimensions?.[0]?.Value) === `{${s.ids.deadLetterQueue}.QueueName}`,
    );
    expect(alarms).toHaveLength(1);
    const [, alarm] = alarms[0]!;
    expect(alarm.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    const [topic] = ofType(s, 'AWS::SNS::Topic');
    expect((alarm.Properties.AlarmActions as unknown[]).map(text)).toContain(`{${topic![0]}}`);
  });

  it('alarms when the webhook answers 503 because SQS or Secrets Manager could not answer: GitHub does not redeliver by itself', () => {
    const s = synthesized(stage);
    for (const dependency of ['sqs', 'secretsmanager']) {
      const alarms = ofType(s, 'AWS::CloudWatch::Alarm').filter(
        ([, alarm]) =>
          alarm.Properties.Namespace === 'Keyward' &&
          alarm.Properties.MetricName === 'DependencyUnavailable' &&
          (alarm.Properties.Dimensions as { Name: string; Value: string }[]).some((d) => d.Name === 'dependency' && d.Value === dependency),
      );
      expect(alarms, dependency).toHaveLength(1);
    }
  });

  it('keeps a generated webhook secret and a placeholder for the App that says what to put, each removed as the stage says', () => {
    const s = synthesized(stage);
    const webhookSecret = s.resources[s.ids.webhookSecret]!;
    const appSecret = s.resources[s.ids.appSecret]!;
    const generated = webhookSecret.Properties.GenerateSecretString;
    expect(generated.PasswordLength).toBeGreaterThanOrEqual(32);
    expect(generated.ExcludePunctuation).toBe(true);
    expect(webhookSecret.Properties.SecretString).toBeUndefined();
    expect(JSON.parse(appSecret.Properties.SecretString)).toEqual({ appId: '', privateKey: '' });
    expect(appSecret.Properties.Description).toMatch(/"appId".*"privateKey"/);
    expect(webhookSecret.Properties.Name).toBe(`keyward/${stage}/github-webhook-secret`);
    expect(appSecret.Properties.Name).toBe(`keyward/${stage}/github-app`);
    const policy = stage === 'prod' ? 'Retain' : 'Delete';
    for (const secret of [webhookSecret, appSecret]) expect([secret.DeletionPolicy, secret.UpdateReplacePolicy]).toEqual([policy, policy]);
    expect(ofType(s, 'AWS::SecretsManager::RotationSchedule')).toEqual([]);
  });

  it("gives the webhook's function the queue URL and its secret's ARN, the worker the App's ARN and GitHub's API, no other function either", () => {
    const s = synthesized(stage);
    const github = (name: string) =>
      Object.fromEntries(Object.entries(environmentOf(s, name)).filter(([key]) => key.startsWith('KEYWARD_GITHUB_')));
    expect(Object.fromEntries(Object.entries(github(WEBHOOK)).map(([key, value]) => [key, text(value)]))).toEqual({
      KEYWARD_GITHUB_QUEUE_URL: `{${s.ids.queue}}`,
      KEYWARD_GITHUB_WEBHOOK_SECRET_ARN: `{${s.ids.webhookSecret}}`,
    });
    expect(Object.fromEntries(Object.entries(github(WORKER)).map(([key, value]) => [key, text(value)]))).toEqual({
      KEYWARD_GITHUB_APP_SECRET_ARN: `{${s.ids.appSecret}}`,
      KEYWARD_GITHUB_API_URL: 'https://api.github.com',
    });
    for (const name of Object.keys(s.functions).filter((name) => name !== WEBHOOK && name !== WORKER))
      expect(github(name), name).toEqual({});
    // The names are the configuration's: with deployed values in them, it loads and has them.
    const config = loadConfig({
      KEYWARD_GITHUB_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/alerts',
      KEYWARD_GITHUB_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhook',
      KEYWARD_GITHUB_APP_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app',
    }).github;
    expect([config.queueUrl, config.webhookSecretArn, config.appSecretArn].every(Boolean)).toBe(true);
  });

  it('lets only the webhook send to the queue and read its secret, only the worker read the App and take from the queue', () => {
    const s = synthesized(stage);
    const { queue, webhookSecret, appSecret } = s.ids;
    const found = githubGrants(s).map(({ holder, action, resource }) => `${holder} ${action} ${resource}`);
    expect(found.sort()).toEqual(
      [
        `${WEBHOOK} sqs:SendMessage {${queue}.Arn}`,
        `${WEBHOOK} secretsmanager:GetSecretValue {${webhookSecret}}`,
        `${WORKER} secretsmanager:GetSecretValue {${appSecret}}`,
        ...['ReceiveMessage', 'ChangeMessageVisibility', 'GetQueueUrl', 'DeleteMessage', 'GetQueueAttributes'].map(
          (action) => `${WORKER} sqs:${action} {${queue}.Arn}`,
        ),
      ].sort(),
    );
    // No other function holds an sqs: or secretsmanager: action on anything of GitHub's, nor on every resource.
    const holders = new Set(githubGrants(s).map(({ holder }) => holder));
    expect([...holders].sort()).toEqual([WORKER, WEBHOOK]);
  });

  it('outputs the webhook URL and the two secrets by ARN, never a value', () => {
    const s = synthesized(stage);
    const value = (name: string) => text(s.outputs[name]?.Value);
    expect(value(outputNames.githubWebhookUrl)).toBe(`${value(outputNames.issuer)}/v1/integrations/github/secret-scanning`);
    expect(value(outputNames.githubWebhookSecretArn)).toBe(`{${s.ids.webhookSecret}}`);
    expect(value(outputNames.githubAppSecretArn)).toBe(`{${s.ids.appSecret}}`);
    expect(JSON.stringify(s.outputs)).not.toMatch(/SecretString|resolve:secretsmanager/);
  });

  it('is cdk-nag clean, the two secrets excused from rotation (GitHub issues and rotates them) and nothing else', () => {
    const s = synthesized(stage);
    const format = (entries: ReturnType<Annotations['findError']>) => entries.map((entry) => `${entry.id}: ${String(entry.entry.data)}`);
    expect({
      errors: format(s.annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))),
      warnings: format(s.annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))),
    }).toEqual({ errors: [], warnings: [] });
    const rotationExcused = Object.entries(s.resources)
      .filter(([, resource]) =>
        (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []).some((rule: { id: string }) => rule.id === 'AwsSolutions-SMG4'),
      )
      .map(([id]) => id);
    expect(rotationExcused.sort()).toEqual([s.ids.webhookSecret, s.ids.appSecret].sort());
  });
});
