import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { strictObject, type z } from 'zod/mini';
import { KeywardError, withErrorHeaders, type ErrorDetail } from '../errors.ts';
import { MAX_BODY_BYTES, messages } from '../limits.ts';
import { logger, publishMetrics } from '../observability.ts';
import { getConfig } from '../config.ts';
import { getServices, type Services } from '../runtime.ts';
import { requirePermission } from '../domain/permissions.ts';
import type { Caller } from '../services/authenticator.ts';
import { idempotencyKeyOf } from '../services/idempotency.ts';
import { rateLimitHeaders } from '../domain/usage-controls.ts';
import type { WriteOp } from '../ports.ts';
import type { RouteDefinition } from './routes.ts';
import { dependencyOutageOf } from '../adapters/dependency-errors.ts';
import { serviceUnavailable } from './dependency-failure.ts';

export { MAX_BODY_BYTES } from '../limits.ts';

/** Time kept before the function's timeout to answer a request that is still waiting. */
export const REQUEST_DEADLINE_MARGIN_MS = 500;

type Parsed<S> = S extends z.core.$ZodType ? z.output<S> : undefined;

export interface HttpRequest<R extends RouteDefinition> {
  /** A webhook's body is its raw text, for the handler to check its signature before parsing it. */
  body: R extends { bodyType: 'webhook' } ? string : Parsed<R['body']>;
  query: Parsed<R['query']>;
  params: Parsed<R['params']>;
  headers: Record<string, string | undefined>;
  caller: R['access'] extends 'public' ? undefined : Caller;
  /** Absent on public routes without a body (discovery documents) and on webhooks: they open no secret. */
  services: R['access'] extends 'public'
    ? R extends { bodyType: 'webhook' }
      ? undefined
      : R extends { bodyType: string }
        ? Services
        : undefined
    : Services;
  requestId: string;
  sourceIp: string | null;
  now: Date;
  /**
   * On an idempotent route called with an Idempotency-Key: the write that stores the answer,
   * to put in the same transaction as the change (see `IdempotentRequests`).
   */
  completion?: ((answer: unknown) => Promise<WriteOp>) | undefined;
}

export interface HandlerOptions<R extends RouteDefinition> {
  /** On an idempotent route: the first answer as it should be replayed now (say, with the key's current state). */
  replay?: (first: never, request: HttpRequest<R>) => Promise<unknown>;
}

const withHeadersTag = Symbol('withHeaders');
interface WithHeaders {
  [withHeadersTag]: true;
  body: unknown;
  headers: Record<string, string>;
}

/** A success body with extra response headers. */
export const withHeaders = (body: unknown, headers: Record<string, string>): WithHeaders => ({ [withHeadersTag]: true, body, headers });

const baseHeaders = (requestId: string, cacheable: boolean) => ({
  'content-type': 'application/json; charset=utf-8',
  'x-request-id': requestId,
  'x-content-type-options': 'nosniff',
  'cache-control': cacheable ? 'public, max-age=300' : 'no-store',
});

/** CORS for the admin console's origin only; every other origin gets no CORS header at all. */
function corsHeaders(origin: string | undefined): Record<string, string> {
  const allowed = getConfig().corsOrigin;
  return allowed !== undefined && origin === allowed ? { 'access-control-allow-origin': allowed, vary: 'origin' } : {};
}

const requestIdOf = (event: APIGatewayProxyEvent, context: Context) => event.requestContext?.requestId || context.awsRequestId;

function lowerCaseHeaders(event: APIGatewayProxyEvent): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value ?? undefined;
  return headers;
}

function validate<S extends z.ZodMiniType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const first = details[0];
  const more = details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''} in details)` : '';
  throw new KeywardError('request.invalid', `The ${where} is not valid: ${first?.path ? `${first.path} ` : ''}${first?.message}${more}.`, {
    details,
  });
}

/**
 * The request's input as it is, once every string and field name in it is well-formed UTF-16.
 * A lone surrogate (JSON's `"\ud800"`) is no character: it cannot be shown, compared or stored
 * faithfully, so it is refused wherever it is, before any schema reads the input.
 */
function wellFormed<T>(input: T, where: string): T {
  const at = loneSurrogateAt(input, []);
  if (at === undefined) return input;
  const path = at.join('.');
  const message = 'holds a lone surrogate (an unpaired UTF-16 escape such as \\ud800): send well-formed Unicode text';
  throw new KeywardError('request.invalid', `The ${where} is not valid: ${path || `the ${where}`} ${message}.`, {
    details: [{ path, message }],
  });
}

/** The path to the first string holding a lone surrogate; for a field name, the path of its object. */
function loneSurrogateAt(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === 'string') return value.isWellFormed() ? undefined : path;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [name, item] of Object.entries(value)) {
    const at = name.isWellFormed() ? loneSurrogateAt(item, [...path, name]) : path;
    if (at) return at;
  }
  return undefined;
}

/**
 * RFC 6750 3: a 401 on a route that takes a credential names the scheme, and says
 * `invalid_token` when a bearer token was what failed.
 */
function withBearerChallenge(error: unknown, headers: Record<string, string | undefined>): unknown {
  if (!(error instanceof KeywardError) || error.status !== 401) return error;
  const tokenSent = !headers['x-api-key'] && /^bearer\s/i.test(headers.authorization?.trim() ?? '');
  return withErrorHeaders(error, {
    'www-authenticate': tokenSent ? 'Bearer realm="keyward", error="invalid_token"' : 'Bearer realm="keyward"',
  });
}

const noQuery = strictObject({}, { error: () => 'this route takes no query parameters' });

/** The query string as one value per name; a repeated name is refused rather than silently resolved. */
function queryOf(event: APIGatewayProxyEvent): Record<string, string> {
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if ((values?.length ?? 0) > 1)
      throw new KeywardError('request.invalid', `The query parameter '${name}' is repeated; send each parameter once.`);
  }
  return Object.assign(Object.create(null) as Record<string, string>, event.queryStringParameters ?? {});
}

const mediaTypes = { json: 'application/json', form: 'application/x-www-form-urlencoded', webhook: 'application/json' } as const;

function readBody(route: RouteDefinition, event: APIGatewayProxyEvent, headers: Record<string, string | undefined>): unknown {
  const raw = event.body == null ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const limit = route.maxBodyBytes ?? MAX_BODY_BYTES;
  if (Buffer.byteLength(raw) > limit) {
    throw new KeywardError('request.too_large', `The body is larger than ${limit / 1024} KiB; send less.`);
  }
  const given = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (!route.bodyType) {
    if (raw === '') return undefined;
    if (given !== mediaTypes.json)
      throw new KeywardError(
        'request.unsupported_media_type',
        `This route takes no body: send the request without one${given ? ` (not ${given})` : ''}.`,
      );
    throw new KeywardError('request.invalid', 'This route takes no body: send the request without one.');
  }
  if (raw.trim() === '' && route.bodyType !== 'webhook') return {};
  const expected = mediaTypes[route.bodyType];
  if (given !== expected) {
    throw new KeywardError(
      'request.unsupported_media_type',
      `Send the body as ${expected} with a matching Content-Type header${given ? `, not ${given}` : ''}.`,
    );
  }
  if (route.bodyType === 'webhook') return raw;
  if (route.bodyType === 'form') {
    const params = new URLSearchParams(raw);
    const names = [...params.keys()];
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated) throw new KeywardError('request.invalid', `The form parameter '${repeated}' is repeated; send each parameter once.`);
    return Object.fromEntries(params);
  }
  try {
    return JSON.parse(raw);
  } catch {
    // The parser's own message quotes the body, which may hold a secret: never echo it.
    throw new KeywardError('request.malformed_json', 'The body is not valid JSON: send one JSON object, such as {"name": "my key"}.');
  }
}

/**
 * Maps any error to the API's JSON error body: deliberate errors as they are, DynamoDB or KMS
 * not answering in time as 503 with Retry-After, anything else as a bare 500.
 */
function errorBoundary(route: RouteDefinition): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const { error } = request;
      const requestId = requestIdOf(request.event, request.context);
      const outage = error instanceof KeywardError ? undefined : dependencyOutageOf(error);
      const known = error instanceof KeywardError ? error : outage && serviceUnavailable(outage, route.path);
      if (!known || (known.status >= 500 && !outage)) logger.error('request failed', { route: route.path, error: error as Error });
      const failure = known ?? new KeywardError('internal.error', messages.internalError);
      const headers = {
        ...baseHeaders(requestId, false),
        ...corsHeaders(request.event.headers?.origin ?? request.event.headers?.Origin),
        ...failure.headers,
      };
      const body =
        route.errorFormat === 'oauth'
          ? oauthError(failure)
          : { code: failure.code, message: failure.message, requestId, ...(failure.details ? { details: failure.details } : {}) };
      request.response = {
        statusCode: route.errorFormat === 'oauth' ? oauthStatus(failure) : failure.status,
        headers,
        body: JSON.stringify(body),
      };
      logger.info('request', { route: route.path, status: request.response.statusCode, code: failure.code });
    },
  };
}

function oauthError(error: KeywardError) {
  const kind = error.oauthError ?? (error.status >= 500 ? 'server_error' : error.status === 401 ? 'invalid_client' : 'invalid_request');
  return { error: kind, error_description: error.message };
}

const oauthStatus = (error: KeywardError) => (error.status === 401 || error.status >= 413 ? error.status : 400);

/**
 * Builds a route's Lambda handler: authenticate and check the route's permission, parse and
 * validate the request, run `action`, and shape the answer. Handlers stay one call long.
 */
export function httpHandler<R extends RouteDefinition>(
  route: R,
  action: (request: HttpRequest<R>) => Promise<unknown>,
  options: HandlerOptions<R> = {},
) {
  return handlerChain(route, action, options, getServices);
}

/** A public route without a body: it takes no credential and opens no secret. */
export type DocumentRoute = RouteDefinition & { access: 'public'; bodyType?: undefined };

/**
 * The handler of a public document (the JWKS, a discovery document, the OpenAPI description):
 * the same chain as `httpHandler`, which opens no services on such a route, without the code
 * that would, so the bundle holds only what the action itself reaches.
 */
export function documentHandler<R extends DocumentRoute>(route: R, action: (request: HttpRequest<R>) => Promise<unknown>) {
  return handlerChain(route, action, {}, undefined);
}

function handlerChain<R extends RouteDefinition>(
  route: R,
  action: (request: HttpRequest<R>) => Promise<unknown>,
  options: HandlerOptions<R>,
  openServices: (() => Promise<Services>) | undefined,
) {
  // A request still waiting this long before the function's own timeout is answered 503 by the
  // error boundary (middy throws a TimeoutError then), never cut off by Lambda with no answer.
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>({ timeoutEarlyInMillis: REQUEST_DEADLINE_MARGIN_MS })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .use(errorBoundary(route))
    .handler(async (event, context) => {
      const requestId = requestIdOf(event, context);
      const headers = lowerCaseHeaders(event);
      const sourceIp = event.requestContext?.identity?.sourceIp ?? null;
      const opensServices = route.access !== 'public' || (route.bodyType !== undefined && route.bodyType !== 'webhook');
      const services = openServices && opensServices ? await openServices() : undefined;
      const now = new Date();
      let caller: Caller | undefined;
      // Who is calling comes first: an anonymous caller learns nothing about request shapes.
      if (services && route.access !== 'public') {
        caller = await services.authenticator.callerFrom(headers, sourceIp, now).catch((error: unknown) => {
          throw withBearerChallenge(error, headers);
        });
        logger.appendKeys({ tenant: caller.tenant, callerId: caller.actor.id });
      }
      // A call with x-api-key was a use of the key: every answer to it reports the rate limit.
      const useHeaders = rateLimitHeaders(caller?.usage);
      const result = await respond().catch((error: unknown) => {
        throw error instanceof KeywardError ? withErrorHeaders(error, useHeaders) : error;
      });
      const tagged = typeof result === 'object' && result !== null && withHeadersTag in result ? (result as WithHeaders) : undefined;
      const status = route.success.status;
      logger.info('request', { route: route.path, status });
      return {
        statusCode: status,
        headers: {
          ...baseHeaders(requestId, route.access === 'public' && route.method === 'GET'),
          ...corsHeaders(headers.origin),
          ...useHeaders,
          ...tagged?.headers,
        },
        body: status === 204 ? '' : JSON.stringify(tagged ? tagged.body : result),
      };

      async function respond(): Promise<unknown> {
        if (caller && route.access !== 'any' && route.access !== 'public') requirePermission(caller.grant, route.access);
        const body = wellFormed(readBody(route, event, headers), 'body');
        const query = validate(route.query ?? noQuery, wellFormed(queryOf(event), 'query string'), 'query string');
        const params = route.params ? validate(route.params, event.pathParameters ?? {}, 'path') : undefined;
        const parsedBody = route.bodyType === 'webhook' ? body : route.body ? validate(route.body, body, 'body') : undefined;
        const request = {
          body: parsedBody,
          query: route.query ? query : undefined,
          params,
          headers,
          caller,
          services,
          requestId,
          sourceIp,
          now,
        } as HttpRequest<R>;
        // Idempotency is the route's property: the chain claims the key, runs the action once, and replays.
        const idempotencyKey = route.idempotent ? idempotencyKeyOf(headers) : undefined;
        if (idempotencyKey === undefined || !services || !caller) return action(request);
        const deadline = new Date(now.getTime() + context.getRemainingTimeInMillis());
        const scope = {
          tenant: caller.tenant,
          callerId: caller.actor.id,
          operation: `${route.method} ${route.path}`,
          idempotencyKey,
          body: parsedBody,
          now,
          deadline,
        };
        const outcome = await services.idempotency.run<unknown>(scope, (completion) => action({ ...request, completion }));
        if (!outcome.replayed) return outcome.result;
        return withHeaders(options.replay ? await options.replay(outcome.result as never, request) : outcome.result, {
          'idempotent-replayed': 'true',
        });
      }
    });
}
