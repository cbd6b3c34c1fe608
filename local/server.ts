import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaContext, matchRoute, toProxyEvent } from './proxy-event.ts';

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway's own payload limit; the handlers refuse anything over 16 KiB themselves. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

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

function sendError(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  const requestId = randomUUID();
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...headers });
  response.end(JSON.stringify({ code, message, requestId }));
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves the route table over HTTP the way API Gateway does: each request becomes a REST
 * proxy event for the very handler a Lambda function would run.
 */
export function createLocalServer(options: { onRequest?: (line: string) => void } = {}): Server {
  return createServer(async (request, response) => {
    const started = Date.now();
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      const match = matchRoute(method, url.pathname);
      if (!match) return sendError(response, 404, 'route.not_found', `No route ${method} ${url.pathname}: see /openapi.json for the routes.`);
      if ('allowed' in match) {
        return sendError(response, 405, 'route.method_not_allowed', `${url.pathname} accepts ${match.allowed.join(', ')}, not ${method}.`, { allow: match.allowed.join(', ') });
      }
      const body = await readBody(request);
      if (body === undefined) return sendError(response, 413, 'request.too_large', 'The body is larger than 16 KiB; send less.');
      const event = toProxyEvent(
        { method, url: request.url ?? '/', headers: request.headers, body, sourceIp: request.socket.remoteAddress ?? '127.0.0.1' },
        match,
      );
      const handler = await loadHandler(match.route.handler);
      const result = await handler(event, lambdaContext(match.route.handler));
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries({ ...result.headers, ...result.multiValueHeaders })) {
        headers[name] = Array.isArray(value) ? value.map(String) : String(value);
      }
      response.writeHead(result.statusCode, headers);
      response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
      options.onRequest?.(`${method} ${url.pathname} ${result.statusCode} ${Date.now() - started}ms`);
    } catch (error) {
      // Handlers answer every error themselves; this is the server's own last resort.
      console.error(error);
      if (!response.headersSent) sendError(response, 502, 'internal.error', 'The local server could not run the handler; see its console.');
    }
  });
}
