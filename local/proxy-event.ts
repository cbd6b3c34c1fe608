import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { routeList, type RouteDefinition, type RouteId } from '#shared/http/routes.ts';

export interface RouteMatch {
  route: RouteDefinition & { id: RouteId };
  pathParameters: Record<string, string>;
}

const compiled = routeList.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
}));

/**
 * Finds the route for a method and path as API Gateway would; `allowed` lists the methods
 * of a path that exists but not for this method.
 */
export function matchRoute(method: string, path: string): RouteMatch | { allowed: string[] } | undefined {
  const onPath = compiled.filter(({ pattern }) => pattern.test(path));
  if (onPath.length === 0) return undefined;
  // A literal segment (/v1/keys/verify) wins over a parameter (/v1/keys/{keyId}), as in API Gateway.
  const hit = onPath.filter(({ route }) => route.method === method).sort((a, b) => a.route.path.indexOf('{') - b.route.path.indexOf('{'))[0];
  if (!hit) return { allowed: [...new Set(onPath.map(({ route }) => route.method))] };
  const groups = hit.pattern.exec(path)?.groups ?? {};
  const pathParameters = Object.fromEntries(Object.entries(groups).map(([name, value]) => [name, decodeURIComponent(value)]));
  return { route: hit.route, pathParameters };
}

export interface HttpRequestLike {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  sourceIp: string;
}

/** The API Gateway REST (v1) proxy event that the same request would produce in AWS. */
export function toProxyEvent(request: HttpRequestLike, match: RouteMatch, stage = 'local'): APIGatewayProxyEvent {
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(',');
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const requestId = randomUUID();
  return {
    resource: match.route.path,
    path: url.pathname,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: Object.keys(match.pathParameters).length > 0 ? match.pathParameters : null,
    stageVariables: null,
    body: request.body === '' ? null : request.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      path: `/${stage}${url.pathname}`,
      stage,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: match.route.id,
      resourcePath: match.route.path,
      identity: {
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? null,
        accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, clientCert: null,
        cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, cognitoIdentityId: null,
        cognitoIdentityPoolId: null, principalOrgId: null, user: null, userArn: null,
      },
    },
  };
}

/** A Lambda context for a local invocation of `functionName`. */
export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const started = Date.now();
  const unsupported = () => {
    throw new Error('callback-style completion is not used by Keyward handlers');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
