import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { lambdaContext, matchRoute, toProxyEvent } from './proxy-event.ts';
import { loadHandler } from './server.ts';

export interface RouteRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  sourceIp?: string;
}

/**
 * Prepares one request for its route's real handler, as API Gateway would deliver it: the
 * proxy event, a Lambda context and the loaded handler. `invoke` runs only the function's
 * part, so tests and benchmarks can drive (and time) handlers without a socket.
 */
export async function prepareRouteCall(request: RouteRequest): Promise<{ event: APIGatewayProxyEvent; invoke: () => Promise<APIGatewayProxyResult> }> {
  const path = new URL(request.url, 'http://localhost').pathname;
  const match = matchRoute(request.method, path);
  if (!match || 'allowed' in match) throw new Error(`no route for ${request.method} ${path}`);
  const event = toProxyEvent(
    { method: request.method, url: request.url, headers: request.headers ?? {}, body: request.body ?? '', sourceIp: request.sourceIp ?? '203.0.113.7' },
    match,
  );
  const handler = await loadHandler(match.route.handler);
  const context = lambdaContext(match.route.handler);
  return { event, invoke: () => handler(event, context) };
}
