import { Aws } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { MAX_BODY_BYTES, messages } from '../../shared/limits.ts';
import { routes, type RouteDefinition } from '../../shared/http/routes.ts';
import type { FunctionName } from '../function-access.ts';
import type { StageConfig } from '../stages.ts';

export interface KeywardApiProps {
  stage: string;
  config: StageConfig;
  /** Throttled at the stage's `authentication` limits, tighter than the `management` default. */
  tokenRoutes: readonly RouteDefinition[];
}

/**
 * The REST API of the route table (shared/http/routes.ts): regional, traced, with JSON access
 * logs, per-method throttling, and gateway responses in the API's error shape. Its methods
 * are added once their functions exist (`addRoutes`), as those need the API's URL.
 */
export class KeywardApi extends apigateway.RestApi {
  /** `https://<id>.execute-api.<region>.<suffix>`, from the ids only: `url` would make every function depend on the deployment. */
  readonly origin: string;
  /** The origin and the stage: the base URL of every route. */
  readonly stageUrl: string;

  constructor(scope: Construct, id: string, { stage, config, tokenRoutes }: KeywardApiProps) {
    // Beside the API, not in it: the id it was first deployed with.
    const accessLogs = new logs.LogGroup(scope, 'AccessLogs', { retention: config.logRetention, removalPolicy: config.removalPolicy });
    super(scope, id, {
      restApiName: `keyward-${stage}`,
      description: `Keyward ${stage}: API-key management`,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // The account's CloudWatch role is set once per account and region (cdk/account-stack.ts), not by every stage.
      cloudWatchRole: false,
      deployOptions: {
        stageName: stage,
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
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
    this.origin = `https://${this.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    this.stageUrl = `${this.origin}/${stage}`;
    this.addErrorResponses();
  }

  /** One method per route, integrated with its handler; CORS preflights allow `allowOrigin` only. */
  addRoutes(handlers: Record<FunctionName, lambda.IFunction>, allowOrigin: string): void {
    const preflighted = new Set<string>();
    for (const [operationName, route] of Object.entries(routes)) {
      const resource = this.root.resourceForPath(route.path);
      resource.addMethod(route.method, new apigateway.LambdaIntegration(handlers[route.handler]), { operationName });
      if (!preflighted.has(route.path)) {
        resource.addCorsPreflight({
          allowOrigins: [allowOrigin],
          allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-api-key'],
        });
        preflighted.add(route.path);
      }
    }
  }

  /** API Gateway's own answers (unknown route, throttling, WAF block, oversize) in the API's JSON error shape ({code, message, requestId}). */
  private addErrorResponses(): void {
    const answers: [apigateway.ResponseType, string, string, string][] = [
      [apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'route.not_found', 'No such route: see /openapi.json for the routes.'],
      [apigateway.ResponseType.THROTTLED, '429', 'request.throttled', 'Too many requests: slow down and retry after a moment.'],
      [
        apigateway.ResponseType.WAF_FILTERED,
        '403',
        'request.blocked',
        `The request was blocked by the firewall: too many requests from your address, or a body over ${MAX_BODY_BYTES / 1024} KiB.`,
      ],
      [apigateway.ResponseType.REQUEST_TOO_LARGE, '413', 'request.too_large', messages.tooLarge],
      [
        apigateway.ResponseType.DEFAULT_4XX,
        '400',
        'request.invalid',
        'The request was refused by the gateway: check the method, path and headers.',
      ],
      [apigateway.ResponseType.DEFAULT_5XX, '500', 'internal.error', messages.internalError],
    ];
    for (const [type, statusCode, code, message] of answers) {
      this.addGatewayResponse(`gateway-${code}`, {
        type,
        statusCode,
        responseHeaders: { 'x-request-id': 'context.requestId' },
        templates: { 'application/json': JSON.stringify({ code, message, requestId: '$context.requestId' }) },
      });
    }
  }
}
