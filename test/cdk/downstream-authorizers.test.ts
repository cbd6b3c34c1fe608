import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Keyward } from '../../cdk/keyward.ts';
import { stageConfig } from '../../cdk/stages.ts';

const cdkJsonContext =
  (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};

/** Your own REST API in the same app, protected by Keyward's two downstream authorizers. */
function consumerTemplate(options: { cacheTtl?: Duration } = {}) {
  const app = new App({ context: { ...cdkJsonContext, stage: 'dev', 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Orders', { env: { region: 'us-east-1' } });
  const keys = new Keyward(stack, 'Keys', { stage: 'dev', config: stageConfig('dev') });
  const api = new apigateway.RestApi(stack, 'OrdersApi');
  const integration = new apigateway.MockIntegration({
    integrationResponses: [{ statusCode: '200' }],
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
  });
  api.root.addResource('by-key').addMethod('GET', integration, {
    authorizer: keys.createKeyAuthorizer(stack, 'KeyAuthorizer', options),
    methodResponses: [{ statusCode: '200' }],
  });
  api.root.addResource('by-token').addMethod('GET', integration, {
    authorizer: keys.createTokenAuthorizer(stack, 'TokenAuthorizer'),
    methodResponses: [{ statusCode: '200' }],
  });
  return Template.fromStack(stack);
}

describe('downstream authorizers', () => {
  it('check keys with a REQUEST authorizer on x-api-key whose results are not cached', () => {
    consumerTemplate().hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.x-api-key',
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  it('cache a key authorizer only when asked, and verify tokens with a cached TOKEN authorizer', () => {
    const template = consumerTemplate({ cacheTtl: Duration.seconds(30) });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'REQUEST', AuthorizerResultTtlInSeconds: 30 });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { Type: 'TOKEN', AuthorizerResultTtlInSeconds: 300 });
    expect(Object.keys(template.findResources('AWS::ApiGateway::Authorizer'))).toHaveLength(2);
  });
});
