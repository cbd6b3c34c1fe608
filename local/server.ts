import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { getConfig } from '#shared/config.ts';
import { KeywardError } from '#shared/errors.ts';
import { messages } from '#shared/limits.ts';
import { matchRoute } from './proxy-event.ts';
import { prepareRouteCall } from './invoke.ts';
import { perAddressLimits, type RateLimits } from './rate-limit.ts';
import { localUseCounter, type UseFileCounter } from './use-counter.ts';

/** API Gateway's own payload limit (10 MiB): bodies past it are not even read; the handlers refuse anything over MAX_BODY_BYTES themselves. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

function sendError(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  const requestId = randomUUID();
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-request-id': requestId,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(JSON.stringify({ code, message, requestId }));
}

/** The built admin console (`npm run build:console`), served at `/` when it exists. */
const CONSOLE_DIR = resolve(import.meta.dirname, '../console/dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The console calls Keyward, and the discovery, keys and token endpoints of the identity providers it signs people in with. */
function consoleHeaders() {
  const connect = ["'self'", ...new Set(getConfig().identityProviders.map((provider) => new URL(provider.issuer).origin))];
  return {
    'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connect.join(' ')}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/**
 * The console's file for a GET or HEAD that matched no API route: the file itself, or
 * index.html for `/` and for other pages a browser navigates to (the single-page app's
 * own routes). API paths and paths outside the build folder never get a file.
 */
function consoleFile(pathname: string, accept: string): string | undefined {
  if (pathname.startsWith('/v1/') || pathname.startsWith('/.well-known/') || !existsSync(CONSOLE_DIR)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const index = resolve(CONSOLE_DIR, 'index.html');
  if (decoded === '/') return isFile(index) ? index : undefined;
  const file = resolve(CONSOLE_DIR, `.${decoded}`);
  if (!file.startsWith(CONSOLE_DIR + sep)) return undefined;
  if (isFile(file)) return file;
  return accept.includes('text/html') && isFile(index) ? index : undefined;
}

function sendFile(response: ServerResponse, method: string, file: string) {
  const body = readFileSync(file);
  const hashed = file.startsWith(resolve(CONSOLE_DIR, 'assets') + sep);
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(body.length),
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-request-id': randomUUID(),
    ...consoleHeaders(),
  });
  response.end(method === 'HEAD' ? undefined : body);
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

function requestUrl(target: string): URL {
  try {
    return new URL(target, 'http://localhost');
  } catch {
    throw new KeywardError('request.invalid', 'The request target is not a valid URL: send a path such as /v1/keys.');
  }
}

export interface LocalServerOptions {
  onRequest?: (line: string) => void;
  /** Per-address request limits, as the WAF rate rules set in AWS. */
  rateLimits?: RateLimits;
  /** Counts recorded uses before each read of usage, so it sees every use made before it (default: the configured file's). */
  uses?: UseFileCounter | undefined;
}

/**
 * Serves the route table over HTTP the way API Gateway does: each request becomes a REST
 * proxy event for the very handler a Lambda function would run.
 */
export function createLocalServer(options: LocalServerOptions = {}): Server {
  const throttle = perAddressLimits(options.rateLimits);
  const uses = options.uses ?? localUseCounter();
  return createServer(async (request, response) => {
    const started = Date.now();
    const method = request.method ?? 'GET';
    try {
      const url = requestUrl(request.url ?? '/');
      const wait = throttle(request.socket.remoteAddress ?? '', url.pathname);
      if (wait !== undefined) {
        const seconds = `${wait} second${wait === 1 ? '' : 's'}`;
        return sendError(
          response,
          429,
          'request.throttled',
          `Too many requests from your address: wait ${seconds}, as Retry-After says, then retry.`,
          { 'retry-after': String(wait) },
        );
      }
      const match = matchRoute(method, url.pathname);
      if (!match && (method === 'GET' || method === 'HEAD')) {
        const file = consoleFile(url.pathname, String(request.headers.accept ?? ''));
        if (file) {
          sendFile(response, method, file);
          options.onRequest?.(`${method} ${url.pathname} 200 ${Date.now() - started}ms`);
          return;
        }
      }
      if (!match)
        return sendError(response, 404, 'route.not_found', `No route ${method} ${url.pathname}: see /openapi.json for the routes.`);
      if ('allowed' in match) {
        return sendError(response, 405, 'route.method_not_allowed', `${url.pathname} accepts ${match.allowed.join(', ')}, not ${method}.`, {
          allow: match.allowed.join(', '),
        });
      }
      // A failed count is kept for the next one: the file is counted from where it was left.
      if (match.route.readsUsage) await uses?.drain().catch(() => undefined);
      const body = await readBody(request);
      if (body === undefined) return sendError(response, 413, 'request.too_large', messages.tooLarge);
      const { invoke } = await prepareRouteCall(
        { method, url: request.url ?? '/', headers: request.headers, body, sourceIp: request.socket.remoteAddress ?? '127.0.0.1' },
        match,
      );
      const result = await invoke();
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries({ ...result.headers, ...result.multiValueHeaders })) {
        headers[name] = Array.isArray(value) ? value.map(String) : String(value);
      }
      response.writeHead(result.statusCode, headers);
      response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
      options.onRequest?.(`${method} ${url.pathname} ${result.statusCode} ${Date.now() - started}ms`);
    } catch (error) {
      // A refused request target or path: a KeywardError's message is written for the client.
      if (error instanceof KeywardError && error.status < 500 && !response.headersSent) {
        return sendError(response, error.status, error.code, error.message, error.headers);
      }
      // Handlers answer every other error themselves. This is the last resort: the error's
      // text stays on this console, never in the answer.
      console.error(error);
      if (response.headersSent) response.destroy();
      else sendError(response, 502, 'internal.error', 'The local server could not run the handler; see its console.');
    }
  });
}
