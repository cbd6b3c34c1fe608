import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { KeywardStack } from '../../cdk/keyward-stack.ts';
import { stageConfig } from '../../cdk/stages.ts';

const cdkJsonContext =
  (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};

function template(provisioned: number | undefined) {
  const app = new App({ context: { ...cdkJsonContext, stage: 'prod', 'aws:cdk:bundling-stacks': [] } });
  const stack = new KeywardStack(app, 'Keyward-prod', {
    stage: 'prod',
    config: { ...stageConfig('prod'), tokenRouteProvisionedConcurrency: provisioned },
    env: { region: 'us-east-1' },
  });
  return Template.fromStack(stack);
}

describe('provisioned concurrency, a stage option for the token routes', () => {
  it('keeps that many instances of authenticate and oauth-token warm behind a live alias that API Gateway calls', () => {
    const t = template(5);
    const aliases = t.findResources('AWS::Lambda::Alias');
    expect(Object.keys(aliases)).toHaveLength(2);
    for (const alias of Object.values(aliases)) {
      expect(alias.Properties).toMatchObject({ Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 5 } });
    }
    // Each token route's method invokes an alias, not the bare function.
    const methods = Object.values(t.findResources('AWS::ApiGateway::Method')).map((method) =>
      JSON.stringify(method.Properties.Integration ?? {}),
    );
    for (const id of Object.keys(aliases))
      expect(methods.filter((integration) => integration.includes(id)).length, id).toBeGreaterThanOrEqual(1);
  });

  it('is off unless a stage sets it', () => {
    expect(Object.keys(template(undefined).findResources('AWS::Lambda::Alias'))).toHaveLength(0);
  });
});
