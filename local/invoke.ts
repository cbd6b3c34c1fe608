import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaContext, matchRoute, toProxyEvent, type HttpRequestLike, type RouteMatch } from './proxy-event.ts';

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const handlers = new Map<string, Promise<ProxyHandler>>();

/** The handler of `functions/<name>.ts`, imported once like a warm Lambda function. */
export function loadHandler(name: string): Promise<ProxyHandler> {
  let handler = handlers.get(name);
  if (!handler) {
    handler = import(`#functions/${name}.ts`).then((module: { handler: ProxyHandler }) => module.handler);
    handlers.set(name, handler);
  }
  return handler;
}

export interface RouteRequest {
  method: string;
  url: string;
  headers?: HttpRequestLike['headers'];
  body?: string;
  sourceIp?: string;
}

function routeOf(request: RouteRequest): RouteMatch {
  const path = new URL(request.url, 'http://localhost').pathname;
  const match = matchRoute(request.method, path);
  if (!match || 'allowed' in match) throw new Error(`no route for ${request.method} ${path}`);
  return match;
}

/**
 * Prepares one request for its route's real handler, as API Gateway would deliver it: the
 * proxy event, a Lambda context and the loaded handler. `invoke` runs only the function's
 * part, so tests and benchmarks can drive (and time) handlers without a socket.
 */
export async function prepareRouteCall(
  request: RouteRequest,
  match: RouteMatch = routeOf(request),
): Promise<{ event: APIGatewayProxyEvent; invoke: () => Promise<APIGatewayProxyResult> }> {
  const event = toProxyEvent(
    {
      method: request.method,
      url: request.url,
      headers: request.headers ?? {},
      body: request.body ?? '',
      sourceIp: request.sourceIp ?? '203.0.113.7',
    },
    match,
  );
  const handler = await loadHandler(match.route.handler);
  const context = lambdaContext(match.route.handler);
  return { event, invoke: () => handler(event, context) };
}
