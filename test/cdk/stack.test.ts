import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { App, Aspects, Stack, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import nag from 'cdk-nag';
import { KeywardStack } from '../../cdk/keyward-stack.ts';
import { stageConfig, stages, type StageName } from '../../cdk/stages.ts';
import type { FunctionName } from '../../cdk/function-access.ts';
import { outputNames, stackName } from '../../cdk/outputs.ts';
import { jobs, routeList, routes } from '../../shared/http/routes.ts';
import { keywardTable } from '../../shared/adapters/table-definition.ts';

const { AwsSolutionsChecks } = nag;

/*
 * Template assertions for the security properties of the stack, for every stage.
 * Synthesized with the context of cdk.json (as `cdk synth` does) but without esbuild
 * bundling, so a stage takes a second or two instead of some 15 s; the bundles
 * themselves are covered by bundles.test.ts.
 */

const stageNames = Object.keys(stages) as StageName[];
const tokenRoutes = [routes.authenticate, routes.oauthToken];
const routeHandlers = new Set(routeList.map((route) => route.handler));
const jobHandlers = new Set<string>(Object.values(jobs).map((job) => job.handler));
const logRetentionDays: Record<StageName, number> = { dev: 7, staging: 30, prod: 365 };
/** WAF on in prod (and staging, which mirrors it), off in dev. */
const wafStages: readonly StageName[] = ['staging', 'prod'];
/** The functions that sign tokens: the only ones that may open a signing key. Written out, not taken from cdk/function-access.ts. */
const tokenSigners = ['authenticate', 'oauth-token'];
/** Every function the stack must deploy: one per route, one per job, and the downstream authorizer. */
const functionNames = [
  ...new Set([
    ...routeHandlers,
    ...jobHandlers,
    'token-authorizer',
    'key-authorizer',
    'shape-audit-events',
    'count-uses',
    'github-alert-worker',
  ]),
];
/** The functions that judge a key's secret, and so record uses in their logs: every credentialed route and the key authorizer. */
const useRecorders = [
  'authenticate',
  'oauth-token',
  'create-key',
  'list-keys',
  'get-key',
  'update-key',
  'delete-key',
  'regenerate-key',
  'revoke-key',
  'reveal-key',
  'verify-key',
  'report-leak',
  'whoami',
  'revoke-all-keys',
  'get-tenant-policy',
  'key-usage',
  'tenant-usage',
  'put-tenant-policy',
  'list-people',
  'sign-out-person',
  'audit',
  'key-authorizer',
  'github-alert-worker',
];

interface ExpectedGrants {
  /** DynamoDB item actions on the table. */
  items: string[];
  /** Query on the table itself or on an index (keys of the table definition's `indexes`). */
  query: ('table' | 'byTenant' | 'byPurgeTime')[];
  /** Encryption-context purposes it may open, and seal, with the secrets key. */
  decrypt: string[];
  encrypt: string[];
}
/**
 * What each function's role must allow, written out here and never read from cdk/function-access.ts
 * (the table the stack is built from), so that a wrong entry there fails these tests.
 */
const expectedGrants = {
  authenticate: { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper', 'signing-key'], encrypt: [] },
  'oauth-token': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper', 'signing-key'], encrypt: [] },
  'create-key': {
    items: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    query: [],
    decrypt: ['pepper', 'idempotent-response'],
    encrypt: ['recoverable-key', 'idempotent-response'],
  },
  'list-keys': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: ['byTenant'], decrypt: ['pepper'], encrypt: [] },
  'get-key': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  'update-key': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  'delete-key': { items: ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  'regenerate-key': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: ['recoverable-key'] },
  'revoke-key': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  'reveal-key': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper', 'recoverable-key'], encrypt: [] },
  'verify-key': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  'report-leak': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  whoami: { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  'revoke-all-keys': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: ['byTenant'], decrypt: ['pepper'], encrypt: [] },
  'get-tenant-policy': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  'key-usage': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: ['table'], decrypt: ['pepper'], encrypt: [] },
  'tenant-usage': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: ['byTenant'], decrypt: ['pepper'], encrypt: [] },
  'put-tenant-policy': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  audit: { items: ['GetItem', 'UpdateItem', 'PutItem'], query: ['table', 'byTenant'], decrypt: ['pepper'], encrypt: [] },
  'list-people': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: ['byTenant'], decrypt: ['pepper'], encrypt: [] },
  'sign-out-person': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  'sign-in-providers': { items: [], query: [], decrypt: [], encrypt: [] },
  jwks: { items: ['GetItem'], query: [], decrypt: [], encrypt: [] },
  'openid-configuration': { items: [], query: [], decrypt: [], encrypt: [] },
  'oauth-authorization-server': { items: [], query: [], decrypt: [], encrypt: [] },
  openapi: { items: [], query: [], decrypt: [], encrypt: [] },
  'purge-expired-keys': { items: ['DeleteItem', 'PutItem'], query: ['byPurgeTime'], decrypt: [], encrypt: [] },
  'notify-expiring-keys': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: ['byPurgeTime'], decrypt: [], encrypt: [] },
  'rotate-signing-key': { items: ['GetItem', 'PutItem'], query: [], decrypt: [], encrypt: ['signing-key'] },
  'token-authorizer': { items: [], query: [], decrypt: [], encrypt: [] },
  'key-authorizer': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
  'shape-audit-events': { items: [], query: [], decrypt: [], encrypt: [] },
  'count-uses': { items: ['UpdateItem', 'PutItem'], query: [], decrypt: [], encrypt: [] },
  'github-secret-scanning': { items: ['PutItem', 'DeleteItem'], query: [], decrypt: [], encrypt: [] },
  'github-alert-worker': { items: ['GetItem', 'UpdateItem', 'PutItem'], query: [], decrypt: ['pepper'], encrypt: [] },
} satisfies Record<FunctionName, ExpectedGrants>;

function expectedGrantsOf(name: string): ExpectedGrants {
  const expected = (expectedGrants as Record<string, ExpectedGrants>)[name];
  if (!expected) throw new Error(`test/cdk/stack.test.ts: expectedGrants has no entry for ${name}`);
  return expected;
}
/** Every sealing purpose of the cipher, and one the code does not know, which an unconstrained grant also admits. */
const sealPurposes = ['pepper', 'signing-key', 'recoverable-key', 'idempotent-response', 'any-other-purpose'];
const cdkJsonContext =
  (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};

// ---------------------------------------------------------------- template shapes

interface Resource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
interface TemplateJson {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown }>;
  Metadata?: Record<string, any>;
}
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
/** One action on one resource, as a statement allows it. */
interface Grant {
  action: string;
  resource: string;
  condition: Record<string, Record<string, unknown>> | undefined;
}
interface Suppression {
  id: string;
  reason: string;
}

interface Synthesized {
  app: App;
  stack: KeywardStack;
  /** A stack with a known cdk-nag finding: proves the checks really run on this app. */
  canary: Stack;
  template: Template;
  json: TemplateJson;
  /** Logical ids of the resources the tests look up. */
  ids: { table: string; secretsKey: string; tableKey: string; topic: string; api: string; functions: Record<string, string> };
}

const built = new Map<StageName, Synthesized>();

/** The stack of one stage, built once per file, with AwsSolutionsChecks applied to its app. */
function synthesized(stage: StageName): Synthesized {
  const cached = built.get(stage);
  if (cached) return cached;
  // Bundling happens when NodejsFunction is constructed, so the context must be there from the start.
  const app = new App({ context: { ...cdkJsonContext, stage, 'aws:cdk:bundling-stacks': [] } });
  // As cdk/app.ts offline: the region is known, the account is not.
  const stack = new KeywardStack(app, stackName(stage), { stage, config: stageConfig(stage), env: { region: 'us-east-1' } });
  const canary = new Stack(app, 'NagCanary');
  new sqs.Queue(canary, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
  Aspects.of(app).add(new AwsSolutionsChecks());
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const { keyward } = stack;
  const result: Synthesized = {
    app,
    stack,
    canary,
    template,
    json: template.toJSON() as TemplateJson,
    ids: {
      table: logicalId(keyward.table),
      secretsKey: logicalId(keyward.secretsKey),
      tableKey: logicalId(keyward.tableKey),
      topic: logicalId(keyward.alarmTopic),
      api: logicalId(keyward.api),
      functions: Object.fromEntries(Object.entries(keyward.functions).map(([name, fn]) => [name, logicalId(fn)])),
    },
  };
  built.set(stage, result);
  return result;
}

// ---------------------------------------------------------------- helpers

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const refTo = (id: string) => ({ Ref: id });

/** A readable form of a CloudFormation value: `{Id.Arn}` for GetAtt, `{Id}` for Ref, joins concatenated. */
function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(show).join(',');
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      if (key === 'Ref') return `{${String(arg)}}`;
      if (key === 'Fn::GetAtt' && Array.isArray(arg)) return `{${arg.join('.')}}`;
      if (key === 'Fn::Join' && Array.isArray(arg)) return (arg[1] as unknown[]).map(show).join(String(arg[0]));
    }
  }
  return JSON.stringify(value);
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function resourcesOfType(json: TemplateJson, type: string): [string, Resource][] {
  return Object.entries(json.Resources).filter(([, resource]) => resource.Type === type);
}

/** The queue that gets the batches count-uses gave up on: its failure destination. */
function countUsesDeadLetterQueue(s: Synthesized): string {
  const configs = resourcesOfType(s.json, 'AWS::Lambda::EventInvokeConfig').filter(
    ([, config]) => show(config.Properties!.FunctionName) === `{${s.ids.functions['count-uses']}}`,
  );
  expect(configs).toHaveLength(1);
  const destination = show(configs[0]![1].Properties!.DestinationConfig?.OnFailure?.Destination);
  const queueId = /^\{(.+)\.Arn\}$/.exec(destination)?.[1];
  if (!queueId) throw new Error(`count-uses has no failure destination: ${destination}`);
  return queueId;
}

function resource(json: TemplateJson, id: string): Resource {
  const found = json.Resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found;
}

/** Every policy statement anywhere in the template (identity, trust, key and resource policies), with where it is. */
function allStatements(json: TemplateJson): { id: string; type: string; statement: Statement }[] {
  const found: { id: string; type: string; statement: Statement }[] = [];
  const walk = (id: string, type: string, value: unknown) => {
    if (Array.isArray(value)) {
      for (const item of value) walk(id, type, item);
    } else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (Array.isArray(record.Statement) && record.Statement.every((s) => s && typeof s === 'object' && 'Effect' in s)) {
        for (const statement of record.Statement as Statement[]) found.push({ id, type, statement });
      } else {
        for (const child of Object.values(record)) walk(id, type, child);
      }
    }
  };
  for (const [id, res] of Object.entries(json.Resources)) walk(id, res.Type, res.Properties);
  return found;
}

/** True when an IAM action pattern (with `*` and `?`) covers `action`. */
function covers(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

/** The identity policies of a function: found through its Role property, then the policies attached to that role. */
function functionPolicy(s: Synthesized, name: string): { roleId: string; statements: Statement[]; managedPolicies: unknown[] } {
  const fnId = s.ids.functions[name];
  if (!fnId) throw new Error(`no function ${name}`);
  const role = resource(s.json, fnId).Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const roleId = role?.['Fn::GetAtt']?.[0];
  if (!roleId || role['Fn::GetAtt']![1] !== 'Arn') throw new Error(`${name}: Role is not a role of this stack: ${JSON.stringify(role)}`);
  const roleResource = resource(s.json, roleId);
  expect(roleResource.Type).toBe('AWS::IAM::Role');
  const statements: Statement[] = [];
  for (const inline of asList(roleResource.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined)) {
    statements.push(...inline.PolicyDocument.Statement);
  }
  const managedPolicies: unknown[] = [...asList(roleResource.Properties?.ManagedPolicyArns as unknown[] | undefined)];
  const attached = (res: Resource) =>
    asList(res.Properties?.Roles as unknown[] | undefined).some((r) => JSON.stringify(r) === JSON.stringify(refTo(roleId)));
  for (const [, policy] of resourcesOfType(s.json, 'AWS::IAM::Policy')) {
    if (attached(policy)) statements.push(...(policy.Properties!.PolicyDocument.Statement as Statement[]));
  }
  for (const [id, policy] of resourcesOfType(s.json, 'AWS::IAM::ManagedPolicy')) {
    if (attached(policy)) managedPolicies.push(id);
  }
  return { roleId, statements, managedPolicies };
}

/** The statements as single grants; refuses the forms that grant by exclusion. */
function grantsOf(statements: Statement[]): Grant[] {
  const grants: Grant[] = [];
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue;
    if (statement.NotAction !== undefined || statement.NotResource !== undefined)
      throw new Error(`Allow with NotAction/NotResource: ${JSON.stringify(statement)}`);
    for (const action of asList(statement.Action)) {
      for (const res of asList(statement.Resource)) grants.push({ action, resource: show(res), condition: statement.Condition });
    }
  }
  return grants;
}

/**
 * The purposes of `purposes` that a statement's conditions admit on `kms:EncryptionContext:purpose`:
 * StringEquals and StringLike are evaluated, any other operator on the purpose admits all (the safe guess).
 */
function admittedPurposes(condition: Statement['Condition'], purposes: string[]): string[] {
  let admitted = purposes;
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, value] of Object.entries(entries)) {
      if (key.toLowerCase() !== 'kms:encryptioncontext:purpose') continue;
      const values = asList(value as string | string[]).map(String);
      if (operator === 'StringEquals') admitted = admitted.filter((purpose) => values.includes(purpose));
      else if (operator === 'StringLike') admitted = admitted.filter((purpose) => values.some((pattern) => covers(pattern, purpose)));
    }
  }
  return admitted;
}

/** Whether an Allow statement allows `action` (NotAction counts as allowing everything it does not name). */
function allowsAction(statement: Statement, action: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (statement.NotAction !== undefined)
    return !asList(statement.NotAction as string | string[]).some((pattern) => covers(pattern, action));
  return asList(statement.Action).some((pattern) => covers(pattern, action));
}

/** Logical id of a function's role. */
function roleOf(s: Synthesized, name: string): string {
  return functionPolicy(s, name).roleId;
}

/**
 * Who may use the secrets key for `action` with `purpose`, from its key policy and from every IAM
 * policy in the template whose resources can reach it: role logical ids, or `account` when the key
 * policy leaves it to the account's IAM (then any role with a broad enough policy may).
 */
function secretsKeyPrincipals(s: Synthesized, action: string, purpose: string): string[] {
  const found = new Set<string>();
  const rootArn = 'arn:{AWS::Partition}:iam::{AWS::AccountId}:root';
  const secretsKeyArn = show(arnOf(s.ids.secretsKey));
  const label = (principal: unknown): string => {
    const arn = show(principal);
    if (arn === rootArn) return 'account';
    const role = /^\{(.+)\.Arn\}$/.exec(arn)?.[1];
    return role ?? arn;
  };
  for (const statement of resource(s.json, s.ids.secretsKey).Properties!.KeyPolicy.Statement as Statement[]) {
    if (!allowsAction(statement, action) || !admittedPurposes(statement.Condition, [purpose]).length) continue;
    const principal = statement.Principal as string | Record<string, unknown>;
    if (principal === '*') found.add('*');
    else
      for (const [kind, value] of Object.entries(principal))
        for (const one of asList(value)) found.add(kind === 'AWS' ? label(one) : `${kind}:${show(one)}`);
  }
  const attachedTo = (res: Resource, id: string): string[] =>
    res.Type === 'AWS::IAM::Role'
      ? [id]
      : ['Roles', 'Users', 'Groups'].flatMap((kind) =>
          asList(res.Properties?.[kind] as unknown[] | undefined).map((ref) => show(ref).replace(/^\{(.+)\}$/, '$1')),
        );
  for (const { id, type, statement } of allStatements(s.json)) {
    if (type === 'AWS::KMS::Key' || !type.startsWith('AWS::IAM::')) continue;
    const reaches =
      statement.NotResource !== undefined || asList(statement.Resource).some((r) => show(r) === secretsKeyArn || show(r).includes('*'));
    if (!reaches || !allowsAction(statement, action) || !admittedPurposes(statement.Condition, [purpose]).length) continue;
    for (const principal of attachedTo(resource(s.json, id), id)) found.add(principal);
  }
  return [...found].sort();
}

/** Metrics an alarm watches, whether a single metric or metric math. */
function alarmMetrics(alarm: Resource): { namespace: string; metricName: string; dimensions: Record<string, string> }[] {
  const props = alarm.Properties ?? {};
  const dims = (list: unknown) =>
    Object.fromEntries(asList(list as { Name: string; Value: unknown }[] | undefined).map((d) => [d.Name, show(d.Value)]));
  if (props.MetricName) return [{ namespace: props.Namespace, metricName: props.MetricName, dimensions: dims(props.Dimensions) }];
  return asList(props.Metrics as { MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: unknown } } }[] | undefined)
    .filter((m) => m.MetricStat)
    .map((m) => ({
      namespace: m.MetricStat!.Metric.Namespace,
      metricName: m.MetricStat!.Metric.MetricName,
      dimensions: dims(m.MetricStat!.Metric.Dimensions),
    }));
}

function alarmsWatching(json: TemplateJson, namespace: string, metricName: string, dimensions: Record<string, string> = {}): string[] {
  return resourcesOfType(json, 'AWS::CloudWatch::Alarm')
    .filter(([, alarm]) =>
      alarmMetrics(alarm).some(
        (m) =>
          m.namespace === namespace && m.metricName === metricName && Object.entries(dimensions).every(([k, v]) => m.dimensions[k] === v),
      ),
    )
    .map(([id]) => id);
}

/** Does a WAF statement match a request to `uriPath`? (Only the statement kinds a path rule uses.) */
function wafMatches(statement: Record<string, any>, uriPath: string): boolean {
  if (statement.OrStatement) return (statement.OrStatement.Statements as Record<string, any>[]).some((s) => wafMatches(s, uriPath));
  if (statement.AndStatement) return (statement.AndStatement.Statements as Record<string, any>[]).every((s) => wafMatches(s, uriPath));
  if (statement.NotStatement) return !wafMatches(statement.NotStatement.Statement, uriPath);
  const byteMatch = statement.ByteMatchStatement as Record<string, any> | undefined;
  if (!byteMatch?.FieldToMatch?.UriPath) throw new Error(`not a URI path rule: ${JSON.stringify(statement)}`);
  let value = uriPath;
  for (const { Type } of [...(byteMatch.TextTransformations as { Priority: number; Type: string }[])].sort(
    (a, b) => a.Priority - b.Priority,
  )) {
    if (Type === 'LOWERCASE') value = value.toLowerCase();
    else if (Type !== 'NONE') throw new Error(`unexpected text transformation ${Type}`);
  }
  const search = String(byteMatch.SearchString);
  switch (byteMatch.PositionalConstraint) {
    case 'EXACTLY':
      return value === search;
    case 'STARTS_WITH':
      return value.startsWith(search);
    case 'ENDS_WITH':
      return value.endsWith(search);
    case 'CONTAINS':
      return value.includes(search);
    default:
      throw new Error(`unexpected positional constraint ${byteMatch.PositionalConstraint}`);
  }
}

/** The rate-based rules of a web ACL. */
function rateRules(acl: Resource): Record<string, any>[] {
  return (acl.Properties!.Rules as Record<string, any>[]).filter((rule) => rule.Statement.RateBasedStatement);
}

/** Full resource path of every API Gateway method, as `METHOD /path`, with the method's integration URI. */
function apiMethods(json: TemplateJson): Map<string, string> {
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    if (!id) return ''; // the root resource (GetAtt RootResourceId)
    const res = resource(json, id);
    return `${pathOf(res.Properties!.ParentId)}/${res.Properties!.PathPart}`;
  };
  const methods = new Map<string, string>();
  for (const [, method] of resourcesOfType(json, 'AWS::ApiGateway::Method')) {
    const key = `${method.Properties!.HttpMethod} ${pathOf(method.Properties!.ResourceId) || '/'}`;
    expect(methods.has(key), `${key} is defined twice`).toBe(false);
    methods.set(key, show(method.Properties!.Integration?.Uri));
  }
  return methods;
}

function suppressionsIn(json: TemplateJson): { where: string; suppression: Suppression }[] {
  const found: { where: string; suppression: Suppression }[] = [];
  const collect = (where: string, metadata: Record<string, any> | undefined) => {
    for (const suppression of asList(metadata?.cdk_nag?.rules_to_suppress as Suppression[] | undefined)) found.push({ where, suppression });
  };
  collect('stack', json.Metadata);
  for (const [id, res] of Object.entries(json.Resources)) collect(id, res.Metadata);
  return found;
}

// ---------------------------------------------------------------- tests

describe('stage configuration', () => {
  it('rejects an unknown stage with an error naming every stage', () => {
    expect(() => stageConfig('nope')).toThrow(/'nope'/);
    for (const stage of stageNames) expect(() => stageConfig('nope')).toThrow(new RegExp(`\\b${stage}\\b`));
    expect([...stageNames].sort()).toEqual(['dev', 'prod', 'staging']);
  });
});

describe.each(stageNames)('the %s stack', (stage) => {
  const config = stageConfig(stage);

  describe('synthesis', () => {
    it('synthesizes offline without bundling any function', () => {
      const s = synthesized(stage);
      // NodejsFunction asks esbuild for a bundle only when this is true: without it synthesis takes seconds, not minutes.
      expect(s.stack.bundlingRequired).toBe(false);
      expect(Object.keys(s.json.Resources).length).toBeGreaterThan(0);
    });
  });

  describe('DynamoDB table', () => {
    it('is on demand, with TTL, PITR, customer-managed KMS encryption and both GSIs of the table definition', () => {
      const s = synthesized(stage);
      expect(resourcesOfType(s.json, 'AWS::DynamoDB::GlobalTable').length + resourcesOfType(s.json, 'AWS::DynamoDB::Table').length).toBe(1);
      const table = resource(s.json, s.ids.table);
      const props = table.Properties!;
      expect(table.Type).toBe('AWS::DynamoDB::GlobalTable');
      expect(props.BillingMode).toBe('PAY_PER_REQUEST');
      expect(props.TimeToLiveSpecification).toEqual({ AttributeName: keywardTable.ttlAttribute, Enabled: true });
      expect(keywardTable.ttlAttribute).toBe('ttl');
      expect(props.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      expect(props.KeySchema).toEqual([
        { AttributeName: keywardTable.partitionKey, KeyType: 'HASH' },
        { AttributeName: keywardTable.sortKey, KeyType: 'RANGE' },
      ]);
      const { byTenant, byPurgeTime } = keywardTable.indexes;
      expect(props.GlobalSecondaryIndexes).toEqual([
        {
          IndexName: byTenant.name,
          KeySchema: [
            { AttributeName: byTenant.partitionKey, KeyType: 'HASH' },
            { AttributeName: byTenant.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: byPurgeTime.name,
          KeySchema: [
            { AttributeName: byPurgeTime.partitionKey, KeyType: 'HASH' },
            { AttributeName: byPurgeTime.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...byPurgeTime.nonKeyAttributes] },
        },
      ]);
      const replicas = props.Replicas as Record<string, any>[];
      expect(replicas.length).toBeGreaterThan(0);
      for (const replica of replicas) {
        expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(replica.SSESpecification).toEqual({ KMSMasterKeyId: arnOf(s.ids.tableKey) });
      }
    });

    if (stage === 'prod') {
      it('is protected from deletion and retained on delete and replace', () => {
        const s = synthesized(stage);
        const table = resource(s.json, s.ids.table);
        expect(table.DeletionPolicy).toBe('Retain');
        expect(table.UpdateReplacePolicy).toBe('Retain');
        for (const replica of table.Properties!.Replicas as Record<string, any>[]) expect(replica.DeletionProtectionEnabled).toBe(true);
      });
    }
    if (stage === 'dev') {
      it('is neither retained nor deletion-protected, so a dev stack can be torn down', () => {
        const s = synthesized(stage);
        const table = resource(s.json, s.ids.table);
        expect(table.DeletionPolicy).not.toBe('Retain');
        expect(table.UpdateReplacePolicy).not.toBe('Retain');
        for (const replica of table.Properties!.Replicas as Record<string, any>[]) expect(replica.DeletionProtectionEnabled).not.toBe(true);
      });
    }
  });

  describe('KMS', () => {
    it('rotates both customer-managed keys and names them with per-stage aliases', () => {
      const s = synthesized(stage);
      expect(
        resourcesOfType(s.json, 'AWS::KMS::Key')
          .map(([id]) => id)
          .sort(),
      ).toEqual([s.ids.secretsKey, s.ids.tableKey].sort());
      for (const id of [s.ids.secretsKey, s.ids.tableKey]) expect(resource(s.json, id).Properties!.EnableKeyRotation).toBe(true);
      const aliases = Object.fromEntries(
        resourcesOfType(s.json, 'AWS::KMS::Alias').map(([, alias]) => [alias.Properties!.AliasName, show(alias.Properties!.TargetKeyId)]),
      );
      expect(aliases).toEqual({
        [`alias/keyward-${stage}`]: show(arnOf(s.ids.secretsKey)),
        [`alias/keyward-${stage}-table`]: show(arnOf(s.ids.tableKey)),
      });
    });

    it('the table key policy only delegates to IAM in the account, where roles may use it through DynamoDB alone', () => {
      const s = synthesized(stage);
      const statements = resource(s.json, s.ids.tableKey).Properties!.KeyPolicy.Statement as Statement[];
      expect(statements.filter((st) => st.Effect === 'Allow').map((st) => show((st.Principal as { AWS?: unknown }).AWS))).toEqual([
        'arn:{AWS::Partition}:iam::{AWS::AccountId}:root',
      ]);
    });

    it('the secrets key policy lets the account administer the key and provision only, and each function use it only for its purposes', () => {
      const s = synthesized(stage);
      const statements = (resource(s.json, s.ids.secretsKey).Properties!.KeyPolicy.Statement as Statement[]).filter(
        (st) => st.Effect === 'Allow',
      );
      const crypto = [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
      ];
      const purposesOf = (st: Statement) =>
        asList(
          (st.Condition as Record<string, Record<string, unknown>> | undefined)?.StringEquals?.['kms:EncryptionContext:purpose'] as
            | string
            | string[],
        ).sort();
      for (const st of statements) {
        const actions = asList(st.Action);
        expect(
          actions.some((action) => action === '*' || action === 'kms:*'),
          JSON.stringify(st),
        ).toBe(false);
        const usesKey = actions.some((action) => crypto.some((c) => covers(action, c)));
        if (usesKey) expect(purposesOf(st).length, `unconditioned use: ${JSON.stringify(st)}`).toBeGreaterThan(0);
      }
      for (const [name, id] of Object.entries(s.ids.functions)) {
        const roleArn = show(resource(s.json, id).Properties!.Role);
        const principals = (st: Statement) => {
          const aws = (st.Principal as { AWS?: unknown }).AWS;
          return (Array.isArray(aws) ? aws : [aws]).map(show);
        };
        const granted = statements.filter((st) => principals(st).includes(roleArn));
        const access = expectedGrantsOf(name);
        for (const [action, purposes] of [
          ['kms:Decrypt', access.decrypt],
          ['kms:Encrypt', access.encrypt],
        ] as const) {
          const forAction = granted.filter((st) => asList(st.Action).includes(action));
          expect(forAction.flatMap(purposesOf).sort(), `${name} ${action}`).toEqual([...purposes].sort());
        }
        expect(
          granted.every((st) => asList(st.Action).every((action) => action === 'kms:Decrypt' || action === 'kms:Encrypt')),
          name,
        ).toBe(true);
      }
    });

    it('only the authenticate and oauth-token roles may open a signing key, through the key policy or any IAM policy', () => {
      const s = synthesized(stage);
      // Decrypt opens it; ReEncryptFrom moves it under a key of the caller's; CreateGrant lets the caller grant itself either.
      for (const action of ['kms:Decrypt', 'kms:ReEncryptFrom', 'kms:CreateGrant']) {
        const expected = action === 'kms:Decrypt' ? tokenSigners.map((name) => roleOf(s, name)).sort() : [];
        expect(secretsKeyPrincipals(s, action, 'signing-key'), action).toEqual(expected);
      }
      // The rotation job seals new signing keys and never opens one.
      expect(secretsKeyPrincipals(s, 'kms:Encrypt', 'signing-key')).toEqual(['account', roleOf(s, 'rotate-signing-key')].sort());
    });

    it('bootstrap through IAM (the account) may seal the pepper and signing keys and open the pepper, nothing more', () => {
      const s = synthesized(stage);
      // What the CLI's bootstrap calls: Encrypt {pepper, signing-key}, then Decrypt {pepper} to hash the system key.
      const keyUse = [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:CreateGrant',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:GenerateDataKeyPair',
        'kms:GenerateDataKeyPairWithoutPlaintext',
        'kms:GenerateMac',
        'kms:Sign',
        'kms:DeriveSharedSecret',
      ];
      const account: Record<string, string[]> = {};
      for (const action of keyUse) {
        const purposes = sealPurposes.filter((purpose) =>
          secretsKeyPrincipals(s, action, purpose).some((p) => p === 'account' || p === '*'),
        );
        if (purposes.length > 0) account[action] = purposes.sort();
      }
      expect(account).toEqual({ 'kms:Encrypt': ['pepper', 'signing-key'], 'kms:Decrypt': ['pepper'] });
    });
  });

  describe('IAM', () => {
    it('no Allow statement anywhere grants every action (*) or every action of a service (service:*)', () => {
      const s = synthesized(stage);
      const statements = allStatements(s.json);
      expect(statements.length).toBeGreaterThan(functionNames.length);
      // The one exception: the table key's default policy lets the account's IAM decide (kms:* for the account root, checked above).
      const isKeyPolicyDelegation = ({ id, statement }: (typeof statements)[number]) =>
        id === s.ids.tableKey &&
        show((statement.Principal as { AWS?: unknown } | undefined)?.AWS) === 'arn:{AWS::Partition}:iam::{AWS::AccountId}:root';
      const broad = statements
        .filter((entry) => entry.statement.Effect === 'Allow' && !isKeyPolicyDelegation(entry))
        .filter(
          ({ statement }) =>
            statement.NotAction !== undefined || asList(statement.Action).some((action) => action === '*' || action.endsWith(':*')),
        )
        .map(({ id, statement }) => `${id}: ${JSON.stringify(statement)}`);
      expect(broad).toEqual([]);
    });

    it('nothing may Scan, BatchGetItem or BatchWriteItem the table', () => {
      const s = synthesized(stage);
      const forbidden = ['dynamodb:Scan', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'];
      const offending = allStatements(s.json)
        .filter(({ statement }) => statement.Effect === 'Allow')
        .flatMap(({ id, statement }) =>
          asList(statement.Action)
            .filter((action) => forbidden.some((f) => covers(action, f)))
            .map((action) => `${id}: ${action}`),
        );
      expect(offending).toEqual([]);
    });

    it('expects grants for exactly the functions the stack deploys', () => {
      expect(Object.keys(expectedGrants).sort()).toEqual([...functionNames].sort());
    });

    it.each(functionNames)('%s: its role allows exactly the DynamoDB actions and KMS purposes written out in expectedGrants', (name) => {
      const s = synthesized(stage);
      const access = expectedGrantsOf(name);
      const { statements, managedPolicies } = functionPolicy(s, name);
      expect(managedPolicies).toEqual([]);
      const grants = grantsOf(statements);
      const tableArn = show(arnOf(s.ids.table));
      const secretsKeyArn = show(arnOf(s.ids.secretsKey));
      const tableKeyArn = show(arnOf(s.ids.tableKey));

      // Only logs (its own group), X-Ray, DynamoDB and KMS; and for count-uses, sending a batch it gave up on to its dead-letter queue;
      // and for the two GitHub functions, the alert queue and their secret (each grant written out in github.test.ts).
      const deadLetters = name === 'count-uses' ? show(arnOf(countUsesDeadLetterQueue(s))) : undefined;
      const sendsDeadLetters = (g: Grant) =>
        g.resource === deadLetters && ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].includes(g.action);
      const { github } = s.stack.keyward;
      const idOf = (construct: IConstruct) => s.stack.getLogicalId(construct.node.defaultChild as CfnElement);
      const githubResources = [`{${idOf(github.queue)}.Arn}`, `{${idOf(github.webhookSecret)}}`, `{${idOf(github.appSecret)}}`];
      const reachesGithub = (g: Grant) =>
        name.startsWith('github-') && /^(sqs|secretsmanager):/.test(g.action) && githubResources.includes(g.resource);
      expect(grants.filter((g) => !/^(logs|xray|dynamodb|kms):/.test(g.action) && !sendsDeadLetters(g) && !reachesGithub(g))).toEqual([]);
      const logGroup = show(arnOf(show(resource(s.json, s.ids.functions[name]!).Properties!.LoggingConfig.LogGroup).slice(1, -1)));
      expect(grants.filter((g) => g.action.startsWith('logs:') && g.resource !== logGroup)).toEqual([]);

      // DynamoDB: exactly the listed item actions on the table and Query on the listed targets; no conditions needed, no wildcards.
      const expectedDynamo = [
        ...access.items.map((action) => `dynamodb:${action} ${tableArn}`),
        ...access.query.map(
          (target) => `dynamodb:Query ${target === 'table' ? tableArn : `${tableArn}/index/${keywardTable.indexes[target].name}`}`,
        ),
      ];
      const actualDynamo = grants.filter((g) => g.action.startsWith('dynamodb:')).map((g) => `${g.action} ${g.resource}`);
      expect(new Set(actualDynamo)).toEqual(new Set(expectedDynamo));

      // Secrets key: Decrypt and Encrypt each only for the listed purposes, always bound to the encryption context.
      const secrets = grants.filter((g) => g.resource === secretsKeyArn);
      expect(secrets.filter((g) => g.action !== 'kms:Decrypt' && g.action !== 'kms:Encrypt')).toEqual([]);
      for (const [action, purposes] of [
        ['kms:Decrypt', access.decrypt],
        ['kms:Encrypt', access.encrypt],
      ] as const) {
        const granted = secrets.filter((g) => g.action === action);
        for (const g of granted) {
          expect(Object.keys(g.condition ?? {}), `${action} on the secrets key without an encryption-context condition`).toEqual([
            'StringEquals',
          ]);
          expect(Object.keys(g.condition!.StringEquals!)).toEqual(['kms:EncryptionContext:purpose']);
        }
        const allowedPurposes = granted.flatMap((g) =>
          asList(g.condition!.StringEquals!['kms:EncryptionContext:purpose'] as string | string[]),
        );
        expect(new Set(allowedPurposes), `${action} purposes`).toEqual(new Set(purposes));
      }

      // Table key: only through DynamoDB, only when the function uses the table, and no encrypting for readers.
      const tableKey = grants.filter((g) => g.resource === tableKeyArn);
      const usesTable = access.items.length > 0 || access.query.length > 0;
      expect(tableKey.length > 0).toBe(usesTable);
      for (const g of tableKey) {
        expect(Object.keys(g.condition ?? {}), `${g.action} on the table key without kms:ViaService`).toEqual(['StringEquals']);
        expect(Object.keys(g.condition!.StringEquals!)).toEqual(['kms:ViaService']);
        expect(show(g.condition!.StringEquals!['kms:ViaService'])).toBe('dynamodb.{AWS::Region}.amazonaws.com');
      }
      const writes = access.items.some((action) => action !== 'GetItem');
      if (!writes) expect(tableKey.filter((g) => !['kms:Decrypt', 'kms:DescribeKey'].includes(g.action))).toEqual([]);

      // No KMS on anything but the two keys.
      expect(grants.filter((g) => g.action.startsWith('kms:') && g.resource !== secretsKeyArn && g.resource !== tableKeyArn)).toEqual([]);
    });

    it('only the functions that seal secrets may kms:Encrypt with the secrets key, each bound to a purpose', () => {
      const s = synthesized(stage);
      const secretsKeyArn = show(arnOf(s.ids.secretsKey));
      const encrypting = functionNames.filter((name) =>
        grantsOf(functionPolicy(s, name).statements).some((g) => covers(g.action, 'kms:Encrypt') && g.resource === secretsKeyArn),
      );
      expect(encrypting.sort()).toEqual(functionNames.filter((name) => expectedGrantsOf(name).encrypt.length > 0).sort());
      expect(encrypting.sort()).toEqual(['create-key', 'regenerate-key', 'rotate-signing-key']);

      // And anywhere in the template: every Encrypt/Decrypt grant on the secrets key carries the purpose condition.
      const unbound = allStatements(s.json)
        .filter(({ type, statement }) => type !== 'AWS::KMS::Key' && statement.Effect === 'Allow')
        .flatMap(({ id, statement }) => grantsOf([statement]).map((g) => ({ id, ...g })))
        .filter((g) => g.resource === secretsKeyArn && (covers(g.action, 'kms:Encrypt') || covers(g.action, 'kms:Decrypt')))
        .filter((g) => !g.condition?.StringEquals?.['kms:EncryptionContext:purpose'])
        .map((g) => `${g.id}: ${g.action}`);
      expect(unbound).toEqual([]);
    });

    it('authenticate may read keys and record lastUsedAt, but not delete, query or scan', () => {
      const actions = grantsOf(functionPolicy(synthesized(stage), 'authenticate').statements)
        .filter((g) => g.action.startsWith('dynamodb:'))
        .map((g) => g.action);
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
      expect(actions.filter((a) => ['dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan'].includes(a))).toEqual([]);
    });

    it('jwks may only GetItem, and the public discovery functions and the token authorizer touch neither DynamoDB nor KMS', () => {
      const s = synthesized(stage);
      const dataActions = (name: string) =>
        grantsOf(functionPolicy(s, name).statements).filter(
          (g) => /^(dynamodb|kms):/.test(g.action) && !g.resource.includes(s.ids.tableKey),
        );
      expect([...new Set(dataActions('jwks').map((g) => g.action))]).toEqual(['dynamodb:GetItem']);
      for (const name of ['openapi', 'openid-configuration', 'token-authorizer']) {
        expect(
          grantsOf(functionPolicy(s, name).statements).filter((g) => /^(dynamodb|kms):/.test(g.action)),
          name,
        ).toEqual([]);
      }
    });
  });

  describe('functions', () => {
    it('deploys exactly one function per handler', () => {
      const s = synthesized(stage);
      expect(Object.keys(s.ids.functions).sort()).toEqual([...functionNames].sort());
      // Besides them, only CDK's own handler that copies the console into its bucket at deploy time.
      const others = resourcesOfType(s.json, 'AWS::Lambda::Function')
        .map(([id]) => id)
        .filter((id) => !Object.values(s.ids.functions).includes(id));
      expect(others).toHaveLength(1);
      expect(others[0]).toMatch(/^CustomCDKBucketDeployment/);
    });

    it.each(functionNames)('%s runs nodejs24.x on arm64 with active tracing and its own log group with the stage retention', (name) => {
      const s = synthesized(stage);
      const props = resource(s.json, s.ids.functions[name]!).Properties!;
      expect(props.Runtime).toBe('nodejs24.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.TracingConfig).toEqual({ Mode: 'Active' });
      const logGroupId = (props.LoggingConfig?.LogGroup as { Ref?: string } | undefined)?.Ref;
      expect(logGroupId, 'LoggingConfig.LogGroup').toBeTypeOf('string');
      const logGroup = resource(s.json, logGroupId!);
      expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
      expect(logGroup.Properties?.RetentionInDays).toBe(logRetentionDays[stage]);
      const sharing = Object.entries(s.ids.functions)
        .filter(([other, id]) => other !== name && show(resource(s.json, id).Properties!.LoggingConfig?.LogGroup) === `{${logGroupId}}`)
        .map(([other]) => other);
      expect(sharing, 'functions sharing the log group').toEqual([]);
      if (routeHandlers.has(name) || jobHandlers.has(name)) {
        expect(props.Environment?.Variables?.KEYWARD_CIPHER).toBe('kms');
        expect(props.Environment?.Variables?.KEYWARD_KMS_KEY_ID).toEqual(arnOf(s.ids.secretsKey));
      }
    });
  });

  describe('Lambda concurrency', () => {
    const reserved = (s: Synthesized) =>
      Object.fromEntries(
        Object.entries(s.ids.functions)
          .map(([name, id]) => [name, resource(s.json, id).Properties!.ReservedConcurrentExecutions as unknown])
          .filter(([, value]) => value !== undefined),
      );
    if (stage === 'prod') {
      it('reserves concurrency for the token functions only, so a flood on them cannot take what management and the jobs need', () => {
        const s = synthesized(stage);
        const value = config.tokenRouteReservedConcurrency;
        expect(value).toBeTypeOf('number');
        expect(value).toBeGreaterThan(0);
        expect(reserved(s)).toEqual(Object.fromEntries(tokenSigners.map((name) => [name, value])));
      });
    } else {
      it('reserves no concurrency (a new account has too little to set aside)', () => {
        const s = synthesized(stage);
        expect(reserved(s)).toEqual({});
      });
    }
  });

  describe('API Gateway', () => {
    it('has one method per route of the route table, each integrated with its handler, on a regional endpoint', () => {
      const s = synthesized(stage);
      const methods = apiMethods(s.json);
      expect([...methods.keys()].filter((key) => !key.startsWith('OPTIONS ')).sort()).toEqual(
        routeList.map((route) => `${route.method} ${route.path}`).sort(),
      );
      for (const route of routeList) {
        expect(methods.get(`${route.method} ${route.path}`), `${route.method} ${route.path}`).toContain(
          `{${s.ids.functions[route.handler]}.Arn}`,
        );
      }
      s.template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
      expect(resource(s.json, s.ids.api).Properties!.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
    });

    it("answers CORS preflights for the console's origin only, the origin the functions allow too", () => {
      const s = synthesized(stage);
      const distribution = resourcesOfType(s.json, 'AWS::CloudFront::Distribution');
      expect(distribution).toHaveLength(1);
      const consoleOrigin = `https://{${distribution[0]![0]}.DomainName}`;
      const preflights = resourcesOfType(s.json, 'AWS::ApiGateway::Method').filter(([, m]) => m.Properties!.HttpMethod === 'OPTIONS');
      expect(preflights.length).toBe(new Set(routeList.map((route) => route.path)).size);
      for (const [, method] of preflights) {
        const allowed = (method.Properties!.Integration.IntegrationResponses as Record<string, any>[])[0]!.ResponseParameters[
          'method.response.header.Access-Control-Allow-Origin'
        ];
        expect(show(allowed)).toBe(`'${consoleOrigin}'`);
      }
      for (const id of Object.values(s.ids.functions)) {
        const variables = resource(s.json, id).Properties!.Environment?.Variables as Record<string, unknown> | undefined;
        if (variables?.KEYWARD_CORS_ORIGIN !== undefined) expect(show(variables.KEYWARD_CORS_ORIGIN)).toBe(consoleOrigin);
      }
    });

    it('serves the console from a private bucket through CloudFront with origin access control and security headers', () => {
      const s = synthesized(stage);
      const [[, distribution]] = resourcesOfType(s.json, 'AWS::CloudFront::Distribution') as unknown as [[string, Record<string, any>]];
      const config = distribution.Properties.DistributionConfig;
      expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
      expect(config.Origins[0].OriginAccessControlId).toBeDefined();
      expect(config.Logging).toBeDefined();
      const [[, policy]] = resourcesOfType(s.json, 'AWS::CloudFront::ResponseHeadersPolicy') as unknown as [[string, Record<string, any>]];
      const security = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
      const csp = show(security.ContentSecurityPolicy.ContentSecurityPolicy);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(new RegExp(`connect-src 'self' https://\\{${s.ids.api}\\}\\.execute-api\\.`));
      expect(security.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31536000);
      expect(security.FrameOptions.FrameOption).toBe('DENY');
      expect(security.ContentTypeOptions.Override).toBe(true);
      const buckets = resourcesOfType(s.json, 'AWS::S3::Bucket');
      expect(buckets.length).toBe(2);
      for (const [, bucket] of buckets) {
        expect(bucket.Properties!.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.Properties!.BucketEncryption).toBeDefined();
      }
      const deployments = resourcesOfType(s.json, 'Custom::CDKBucketDeployment');
      expect(deployments).toHaveLength(1);
      // config.json tells the console where the API is: the marker is filled with the API's id at deploy time.
      expect(JSON.stringify(deployments[0]![1].Properties!.SourceMarkers)).toContain(s.ids.api);
    });

    it('traces with X-Ray and writes JSON access logs', () => {
      const s = synthesized(stage);
      const stageResources = resourcesOfType(s.json, 'AWS::ApiGateway::Stage');
      expect(stageResources).toHaveLength(1);
      const props = stageResources[0]![1].Properties!;
      expect(props.StageName).toBe(stage);
      expect(props.TracingEnabled).toBe(true);
      const destination = show(props.AccessLogSetting?.DestinationArn);
      expect(resource(s.json, /^\{(.+)\.Arn\}$/.exec(destination)?.[1] ?? destination).Type).toBe('AWS::Logs::LogGroup');
      const format = JSON.parse(props.AccessLogSetting.Format as string) as Record<string, string>;
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    });

    it('throttles the token routes tighter than the stage default', () => {
      const s = synthesized(stage);
      const settings = resourcesOfType(s.json, 'AWS::ApiGateway::Stage')[0]![1].Properties!.MethodSettings as Record<string, any>[];
      const defaults = settings.find((m) => m.ResourcePath === '/*' && m.HttpMethod === '*');
      expect(defaults?.ThrottlingRateLimit).toBeTypeOf('number');
      expect(defaults?.ThrottlingBurstLimit).toBeTypeOf('number');
      for (const route of tokenRoutes) {
        // `/v1/authentication/POST` in CDK terms; CloudFormation escapes the slashes of the path as ~1.
        const setting = settings.find((m) => m.ResourcePath === `/${route.path.replaceAll('/', '~1')}` && m.HttpMethod === route.method);
        expect(setting, `${route.path}/${route.method}`).toBeDefined();
        expect(setting!.ThrottlingRateLimit).toBeLessThan(defaults!.ThrottlingRateLimit);
        expect(setting!.ThrottlingBurstLimit).toBeLessThan(defaults!.ThrottlingBurstLimit);
      }
    });

    it('answers its own errors as JSON with code, message and requestId', () => {
      const s = synthesized(stage);
      const responses = new Map(
        resourcesOfType(s.json, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => [r.Properties!.ResponseType as string, r.Properties!]),
      );
      for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'THROTTLED', 'MISSING_AUTHENTICATION_TOKEN']) {
        const response = responses.get(type);
        expect(response, type).toBeDefined();
        expect(show(response!.RestApiId)).toBe(`{${s.ids.api}}`);
        const body = JSON.parse(response!.ResponseTemplates['application/json'] as string) as Record<string, unknown>;
        expect(body, type).toEqual({
          code: expect.stringMatching(/\S/),
          message: expect.stringMatching(/\S/),
          requestId: '$context.requestId',
        });
      }
    });
  });

  describe('WAF', () => {
    if (wafStages.includes(stage)) {
      it('rate-limits the token routes per IP with a web ACL associated with the API stage', () => {
        const s = synthesized(stage);
        const acls = resourcesOfType(s.json, 'AWS::WAFv2::WebACL');
        expect(acls).toHaveLength(1);
        const [aclId, acl] = acls[0]!;
        expect(acl.Properties!.Scope).toBe('REGIONAL');
        // The token-route rule: the rate rule whose scope holds the token routes and not the management routes.
        const tokenRules = rateRules(acl).filter((rule) => {
          const scope = rule.Statement.RateBasedStatement.ScopeDownStatement as Record<string, any>;
          return wafMatches(scope, `/${stage}${routes.authenticate.path}`) && !wafMatches(scope, `/${stage}${routes.listKeys.path}`);
        });
        expect(tokenRules).toHaveLength(1);
        const rule = tokenRules[0]!;
        expect(rule.Action).toEqual({ Block: {} });
        const rate = rule.Statement.RateBasedStatement as Record<string, any>;
        expect(rate.AggregateKeyType).toBe('IP');
        expect(rate.Limit).toBe(config.wafAuthenticationRateLimit);
        // WAF sees the stage in the path: /<stage>/v1/authentication.
        // The public leak reports are held to the token routes' limit too.
        const strictRoutes = [...tokenRoutes, routes.reportLeak];
        for (const route of strictRoutes) {
          expect(wafMatches(rate.ScopeDownStatement, `/${stage}${route.path}`), route.path).toBe(true);
          expect(wafMatches(rate.ScopeDownStatement, `/${stage}${route.path}/`), `${route.path}/`).toBe(true);
        }
        for (const route of routeList.filter((r) => !strictRoutes.some((t) => t.path === r.path))) {
          expect(wafMatches(rate.ScopeDownStatement, `/${stage}${route.path}`), route.path).toBe(false);
        }
        const associations = resourcesOfType(s.json, 'AWS::WAFv2::WebACLAssociation');
        expect(associations).toHaveLength(1);
        const association = associations[0]![1].Properties!;
        expect(association.WebACLArn).toEqual(arnOf(aclId));
        const stageId = resourcesOfType(s.json, 'AWS::ApiGateway::Stage')[0]![0];
        expect(show(association.ResourceArn)).toMatch(new RegExp(`/restapis/\\{${s.ids.api}\\}/stages/\\{${stageId}\\}$`));
      });

      it('also rate-limits all of /v1/ per IP, at a higher limit than the stricter token-route rule', () => {
        const s = synthesized(stage);
        const [[, acl]] = resourcesOfType(s.json, 'AWS::WAFv2::WebACL') as [[string, Resource]];
        const rules = rateRules(acl);
        expect(rules).toHaveLength(2);
        const scope = (rule: Record<string, any>) => rule.Statement.RateBasedStatement.ScopeDownStatement as Record<string, any>;
        const limit = (rule: Record<string, any>) => rule.Statement.RateBasedStatement.Limit as number;
        for (const rule of rules) {
          expect(rule.Action).toEqual({ Block: {} });
          expect(rule.Statement.RateBasedStatement.AggregateKeyType).toBe('IP');
        }
        const api = rules.filter((rule) => wafMatches(scope(rule), `/${stage}${routes.listKeys.path}`));
        const token = rules.filter((rule) => !wafMatches(scope(rule), `/${stage}${routes.listKeys.path}`));
        expect([api.length, token.length]).toEqual([1, 1]);
        // Every /v1/ route and nothing else: with the stage in the path (the execute-api URL) or not (a custom domain), in any case, with a trailing slash.
        for (const route of routeList) {
          const path = route.path.replace(/\{[^}]+\}/g, 'abc123');
          for (const seen of [`/${stage}${path}`, path, `/${stage}${path}`.toUpperCase(), `/${stage}${path}/`]) {
            expect(wafMatches(scope(api[0]!), seen), seen).toBe(route.path.startsWith('/v1/'));
          }
        }
        expect(limit(api[0]!)).toBe(config.wafApiRateLimit);
        expect(limit(token[0]!)).toBe(config.wafAuthenticationRateLimit);
        expect(limit(token[0]!)).toBeLessThan(limit(api[0]!));
      });
    } else {
      it('has no web ACL', () => {
        const s = synthesized(stage);
        s.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
        s.template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
      });
    }
  });

  describe('schedules and monitoring', () => {
    it('schedules purge, signing-key rotation and expiry notices, each with a dead-letter queue and a retry policy', () => {
      const s = synthesized(stage);
      const schedules = resourcesOfType(s.json, 'AWS::Scheduler::Schedule');
      expect(schedules).toHaveLength(3);
      const targets = schedules.map(([, schedule]) => schedule.Properties!.Target as Record<string, any>);
      expect(targets.map((t) => show(t.Arn)).sort()).toEqual(
        ['purge-expired-keys', 'rotate-signing-key', 'notify-expiring-keys'].map((name) => show(arnOf(s.ids.functions[name]!))).sort(),
      );
      const notices = schedules.find(
        ([, schedule]) =>
          show((schedule.Properties!.Target as Record<string, any>).Arn) === show(arnOf(s.ids.functions['notify-expiring-keys']!)),
      );
      expect(notices![1].Properties!.ScheduleExpression).toBe('rate(1 day)');
      for (const target of targets) {
        const queueId = /^\{(.+)\.Arn\}$/.exec(show(target.DeadLetterConfig?.Arn))?.[1];
        expect(queueId, 'DeadLetterConfig').toBeDefined();
        expect(resource(s.json, queueId!).Type).toBe('AWS::SQS::Queue');
        expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) });
        expect(
          alarmsWatching(s.json, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: `{${queueId}.QueueName}` }),
          `dead letters of ${queueId}`,
        ).not.toEqual([]);
      }
    });

    it('publishes every new audit item to its event bus through the table stream and a pipe, with no other source', () => {
      const s = synthesized(stage);
      const table = resourcesOfType(s.json, 'AWS::DynamoDB::GlobalTable')[0]![1];
      expect(table.Properties!.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
      const bus = resourcesOfType(s.json, 'AWS::Events::EventBus')[0]![1];
      expect(bus.Properties!.Name).toBe(`keyward-${stage}`);
      const pipes = resourcesOfType(s.json, 'AWS::Pipes::Pipe');
      expect(pipes).toHaveLength(1);
      const pipe = pipes[0]![1].Properties!;
      expect(show(pipe.Source)).toContain('StreamArn');
      expect(JSON.parse(pipe.SourceParameters.FilterCriteria.Filters[0].Pattern)).toEqual({
        eventName: ['INSERT'],
        dynamodb: { NewImage: { entity: { S: ['audit'] } } },
      });
      expect(pipe.SourceParameters.DynamoDBStreamParameters.DeadLetterConfig.Arn).toBeDefined();
      expect(show(pipe.Enrichment)).toBe(show(arnOf(s.ids.functions['shape-audit-events']!)));
      expect(show(pipe.Target)).toContain(resourcesOfType(s.json, 'AWS::Events::EventBus')[0]![0]);
      expect(pipe.TargetParameters.EventBridgeEventBusParameters).toEqual({ Source: 'keyward', DetailType: '$.action' });
      // The pipe's role reads the stream, calls the shaper, puts events and dead letters: nothing else.
      const role = show(pipe.RoleArn).match(/\{(\w+)\.Arn\}/)![1]!;
      const actions = resourcesOfType(s.json, 'AWS::IAM::Policy')
        .filter(([, policy]) => JSON.stringify(policy.Properties!.Roles).includes(role))
        .flatMap(([, policy]) =>
          (policy.Properties!.PolicyDocument.Statement as Statement[]).flatMap((statement) => [statement.Action].flat()),
        );
      expect([...new Set(actions)].sort()).toEqual(
        [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'events:PutEvents',
          'kms:Decrypt',
          'lambda:InvokeFunction',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:SendMessage',
        ].sort(),
      );
    });

    it("counts uses off the request path: each key-judging function's log group feeds count-uses, which retries, then keeps what fails in an alarmed queue", () => {
      const s = synthesized(stage);
      const logGroupOf = (name: string) => show(resource(s.json, s.ids.functions[name]!).Properties!.LoggingConfig.LogGroup);
      const filters = resourcesOfType(s.json, 'AWS::Logs::SubscriptionFilter').map(([, filter]) => filter.Properties!);
      expect(filters.map((filter) => show(filter.LogGroupName)).sort()).toEqual(useRecorders.map(logGroupOf).sort());
      for (const filter of filters) {
        expect(show(filter.DestinationArn)).toBe(show(arnOf(s.ids.functions['count-uses']!)));
        expect(filter.FilterPattern).toBe('{ $.kind = "keyward.use" }');
      }
      const config = resourcesOfType(s.json, 'AWS::Lambda::EventInvokeConfig')[0]![1].Properties!;
      expect(config.MaximumRetryAttempts).toBe(2);
      const queueId = countUsesDeadLetterQueue(s);
      expect(resource(s.json, queueId).Type).toBe('AWS::SQS::Queue');
      expect(
        alarmsWatching(s.json, 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: `{${queueId}.QueueName}` }),
        'count-uses dead letters',
      ).not.toEqual([]);
      // CloudWatch Logs may invoke count-uses only from the subscribed log groups.
      const invokers = resourcesOfType(s.json, 'AWS::Lambda::Permission')
        .map(([, permission]) => permission.Properties!)
        .filter((permission) => show(permission.FunctionName) === show(arnOf(s.ids.functions['count-uses']!)));
      expect(invokers.map((permission) => permission.Principal)).toEqual(useRecorders.map(() => 'logs.amazonaws.com'));
      expect(invokers.every((permission) => permission.SourceArn !== undefined)).toBe(true);
    });

    it('alarms on 5xx rate, authentication failures, DynamoDB throttles, purge failures and every function’s errors and throttles', () => {
      const s = synthesized(stage);
      const apiName = { ApiName: resource(s.json, s.ids.api).Properties!.Name as string };
      expect(alarmsWatching(s.json, 'AWS/ApiGateway', '5XXError', apiName), '5xx').not.toEqual([]);
      const env = resource(s.json, s.ids.functions.authenticate!).Properties!.Environment.Variables as Record<string, string>;
      expect(
        alarmsWatching(s.json, env.POWERTOOLS_METRICS_NAMESPACE!, 'AuthenticationFailure', { service: env.POWERTOOLS_SERVICE_NAME! }),
        'authentication failures',
      ).not.toEqual([]);
      for (const dependency of ['dynamodb', 'kms']) {
        expect(
          alarmsWatching(s.json, 'Keyward', 'DependencyUnavailable', { service: 'keyward', dependency }),
          `${dependency} unavailable`,
        ).not.toEqual([]);
      }
      for (const Operation of ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems']) {
        expect(
          alarmsWatching(s.json, 'AWS/DynamoDB', 'ThrottledRequests', { TableName: `{${s.ids.table}}`, Operation }),
          `DynamoDB ${Operation} throttles`,
        ).not.toEqual([]);
      }
      for (const [name, id] of Object.entries(s.ids.functions)) {
        expect(alarmsWatching(s.json, 'AWS/Lambda', 'Errors', { FunctionName: `{${id}}` }), `${name} errors`).not.toEqual([]);
        expect(alarmsWatching(s.json, 'AWS/Lambda', 'Throttles', { FunctionName: `{${id}}` }), `${name} throttles`).not.toEqual([]);
      }
      const purgeFailures = alarmsWatching(s.json, 'AWS/Lambda', 'Errors', {
        FunctionName: `{${s.ids.functions[jobs.purgeExpiredKeys.handler]}}`,
      });
      expect(purgeFailures, 'purge failures').not.toEqual([]);
    });

    it('counts authentication failures of every function: the alarm is bound to the service only, never to one function', () => {
      const s = synthesized(stage);
      const alarms = alarmsWatching(s.json, 'Keyward', 'AuthenticationFailure');
      expect(alarms).toHaveLength(1);
      const metrics = alarmMetrics(resource(s.json, alarms[0]!)).filter((m) => m.metricName === 'AuthenticationFailure');
      expect(metrics.map((m) => m.dimensions)).toEqual([{ service: 'keyward' }]);
      for (const name of routeHandlers) {
        const env = resource(s.json, s.ids.functions[name]!).Properties!.Environment.Variables as Record<string, string>;
        expect([env.POWERTOOLS_METRICS_NAMESPACE, env.POWERTOOLS_SERVICE_NAME], name).toEqual(['Keyward', 'keyward']);
      }
    });

    it('sends every alarm to the SNS topic', () => {
      const s = synthesized(stage);
      const alarms = resourcesOfType(s.json, 'AWS::CloudWatch::Alarm');
      expect(alarms.length).toBeGreaterThanOrEqual(4 + 2 * functionNames.length);
      const elsewhere = alarms
        .filter(([, alarm]) => {
          const actions = asList(alarm.Properties!.AlarmActions as unknown[] | undefined);
          const all = [
            ...actions,
            ...asList(alarm.Properties!.OKActions as unknown[] | undefined),
            ...asList(alarm.Properties!.InsufficientDataActions as unknown[] | undefined),
          ];
          return actions.length === 0 || all.some((action) => show(action) !== `{${s.ids.topic}}`);
        })
        .map(([id]) => id);
      expect(elsewhere).toEqual([]);
      s.template.resourceCountIs('AWS::SNS::Topic', 1);
    });

    it('has a dashboard', () => {
      synthesized(stage).template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    });
  });

  describe('outputs', () => {
    it('exports the API URL, issuer, JWKS URL, table name and key ARN', () => {
      const s = synthesized(stage);
      const outputs = s.json.Outputs ?? {};
      const value = (name: string) => {
        expect(outputs[name], name).toBeDefined();
        return show(outputs[name]!.Value);
      };
      expect(value(outputNames.apiUrl)).toMatch(new RegExp(`^https://\\{${s.ids.api}\\}\\.execute-api\\..+/${stage}/?$`));
      expect(value(outputNames.issuer)).toMatch(new RegExp(`^https://\\{${s.ids.api}\\}\\.execute-api\\..+/${stage}$`));
      expect(value(outputNames.jwksUrl)).toBe(`${value(outputNames.issuer)}${routes.jwks.path}`);
      expect(outputs[outputNames.tableName]!.Value).toEqual(refTo(s.ids.table));
      expect(outputs[outputNames.keyArn]!.Value).toEqual(arnOf(s.ids.secretsKey));
      expect([outputNames.apiUrl, outputNames.issuer, outputNames.jwksUrl, outputNames.tableName, outputNames.keyArn]).toEqual([
        'ApiUrl',
        'Issuer',
        'JwksUrl',
        'TableName',
        'KeyArn',
      ]);
    });
  });

  describe('cdk-nag AwsSolutionsChecks', () => {
    it('runs on this app (a known-bad canary stack is reported)', () => {
      const s = synthesized(stage);
      const canaryErrors = Annotations.fromStack(s.canary).findError('*', Match.stringLikeRegexp('AwsSolutions-SQS4'));
      expect(canaryErrors.length).toBeGreaterThan(0);
    });

    it('reports no unsuppressed errors or warnings', () => {
      const s = synthesized(stage);
      const annotations = Annotations.fromStack(s.stack);
      const format = (entries: ReturnType<typeof annotations.findError>) =>
        entries.map((entry) => `${entry.id}: ${String(entry.entry.data)}`);
      const errors = format(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')));
      const warnings = format(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')));
      expect({ errors, warnings }).toEqual({ errors: [], warnings: [] });
    });

    it('gives every suppression a reason a reviewer can judge (20 characters or more)', () => {
      const s = synthesized(stage);
      const suppressions = suppressionsIn(s.json);
      expect(suppressions.length).toBeGreaterThan(0);
      const weak = suppressions.filter(
        ({ suppression }) => typeof suppression.reason !== 'string' || suppression.reason.trim().length < 20,
      );
      expect(weak.map(({ where, suppression }) => `${where}: ${suppression.id}: ${JSON.stringify(suppression.reason)}`)).toEqual([]);
    });
  });
});
