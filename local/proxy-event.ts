import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { routeList, type RouteDefinition, type RouteId } from '#shared/http/routes.ts';
import { KeywardError } from '#shared/errors.ts';

export interface RouteMatch {
  route: RouteDefinition & { id: RouteId };
  pathParameters: Record<string, string>;
}

const compiled = routeList.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
}));

function decodeParameter(name: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new KeywardError(
      'request.invalid',
      `The ${name} in the path is not valid percent-encoding: write each escaped byte as % and two hex digits, encoding text as UTF-8.`,
    );
  }
}

/**
 * Finds the route for a method and path as API Gateway would; `allowed` lists the methods
 * of a path that exists but not for this method. A path parameter that does not decode
 * throws a `request.invalid` KeywardError.
 */
export function matchRoute(method: string, path: string): RouteMatch | { allowed: string[] } | undefined {
  const onPath = compiled.filter(({ pattern }) => pattern.test(path));
  if (onPath.length === 0) return undefined;
  // A literal segment (/v1/keys/verify) wins over a parameter (/v1/keys/{keyId}), as in API Gateway.
  const hit = onPath
    .filter(({ route }) => route.method === method)
    .sort((a, b) => a.route.path.indexOf('{') - b.route.path.indexOf('{'))[0];
  if (!hit) return { allowed: [...new Set(onPath.map(({ route }) => route.method))] };
  const groups = hit.pattern.exec(path)?.groups ?? {};
  const pathParameters = Object.fromEntries(Object.entries(groups).map(([name, value]) => [name, decodeParameter(name, value)]));
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
  // Built from Maps with Object.fromEntries, as Lambda's JSON.parse would: every name,
  // `__proto__` and `constructor` included, is an own property and never a prototype.
  const headerValues = new Map<string, string[]>();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headerValues.set(name, Array.isArray(value) ? value : [value]);
  }
  const headers: Record<string, string> = Object.fromEntries([...headerValues].map(([name, values]) => [name, values.join(',')]));
  const multiValueHeaders: Record<string, string[]> = Object.fromEntries(headerValues);
  const queryValues = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    const values = queryValues.get(name);
    if (values) values.push(value);
    else queryValues.set(name, [value]);
  }
  // API Gateway's single-value map keeps the last value of a repeated parameter.
  const query: Record<string, string> = Object.fromEntries([...queryValues].map(([name, values]) => [name, values.at(-1)!]));
  const multiQuery: Record<string, string[]> = Object.fromEntries(queryValues);
  const hasQuery = queryValues.size > 0;
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
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
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
