// The one client of the public API, for the console (bundled for the browser) and the CLI:
// typed by the generated route types, so it imports nothing else of shared/ and nothing of Node.
import createClient, {
  type Client,
  type ClientPathsWithMethod,
  type FetchOptions,
  type FetchResponse,
  type MethodResponse,
  type Middleware,
} from 'openapi-fetch';
import type { components, paths } from './api-types.ts';

export type { components, paths };

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<M extends Method, P extends ClientPathsWithMethod<Client<paths>, M>> = paths[P][M] & object;

/** No options at all: a call may leave the options out when every option is optional. */
type NoOptions = Record<never, never>;

/**
 * One method of the client. The options are checked as written, so an unknown field in a body
 * or query is an error (openapi-fetch's own signatures infer the options and let it pass).
 */
type Call<M extends Method> = <P extends ClientPathsWithMethod<Client<paths>, M>>(
  path: P,
  ...init: NoOptions extends FetchOptions<Operation<M, P>> ? [init?: FetchOptions<Operation<M, P>>] : [init: FetchOptions<Operation<M, P>>]
) => Promise<FetchResponse<Operation<M, P>, NoOptions, 'application/json'>>;

export interface KeywardClient {
  GET: Call<'get'>;
  POST: Call<'post'>;
  PUT: Call<'put'>;
  PATCH: Call<'patch'>;
  DELETE: Call<'delete'>;
}

/** The JSON body a route answers on success, e.g. `Answer<'get', '/v1/keys'>`. */
export type Answer<M extends Method, P extends ClientPathsWithMethod<Client<paths>, M>> = MethodResponse<Client<paths>, M, P>;

/** A route's query parameters, e.g. `Query<'get', '/v1/audit'>`. */
export type Query<M extends Method, P extends keyof paths> =
  paths[P] extends Record<M, { parameters: { query?: infer Q } }> ? NonNullable<Q> : never;

/** A route's JSON request body, e.g. `RequestBody<'post', '/v1/keys'>`. */
export type RequestBody<M extends Method, P extends keyof paths> =
  paths[P] extends Record<M, { requestBody: { content: { 'application/json': infer B } } }> ? B : never;

type ErrorBody = components['schemas']['Error'];
type OAuthErrorBody = components['schemas']['OAuthError'];

/**
 * An error answer of the API (`{code, message, requestId, details?}`, or OAuth's
 * `{error, error_description}`), or a failure to get one: status 0 when the API could not be
 * reached; no code when the answer carried none.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorBody['code'] | OAuthErrorBody['error'] | undefined;
  readonly requestId: string | undefined;
  readonly details: NonNullable<ErrorBody['details']>;

  constructor(
    status: number,
    message: string,
    answer: { code?: ApiError['code']; requestId?: string; details?: ApiError['details'] } = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = answer.code;
    this.requestId = answer.requestId;
    this.details = answer.details ?? [];
  }
}

export type Credential = { token: string } | { apiKey: string };

export interface KeywardClientOptions {
  /** The API's base URL; '' for the page's own origin. */
  baseUrl: string;
  /** Omitted for the routes that take none (`POST /v1/authentication`). */
  credential?: Credential;
  fetch?: (request: Request) => Promise<Response>;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** The ApiError of an error answer, whatever its body holds. */
async function errorOf(response: Response, where: string): Promise<ApiError> {
  const raw = await response.text();
  let body: Partial<ErrorBody & OAuthErrorBody> = {};
  try {
    const parsed: unknown = raw === '' ? {} : JSON.parse(raw);
    if (parsed && typeof parsed === 'object') body = parsed;
  } catch {
    return new ApiError(response.status, notJson(where, response.status));
  }
  const message = text(body.message) ?? text(body.error_description) ?? `The API answered ${response.status} without an explanation.`;
  const code = text(body.code) ?? text(body.error);
  return new ApiError(response.status, message, {
    ...(code ? { code: code as ApiError['code'] } : {}),
    ...(text(body.requestId) ? { requestId: body.requestId } : {}),
    ...(Array.isArray(body.details) ? { details: body.details } : {}),
  });
}

const notJson = (where: string, status: number) => `${where} answered ${status} with a body that is not JSON: is it a Keyward API?`;

/**
 * A client of the routes in the OpenAPI document, sending the credential with every call.
 * Calls that do not succeed reject with an ApiError; `answer()` gives a call's JSON body.
 */
export function createKeywardClient(options: KeywardClientOptions): KeywardClient {
  const { credential } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credential && 'token' in credential) headers.authorization = `Bearer ${credential.token}`;
  if (credential && 'apiKey' in credential) headers['x-api-key'] = credential.apiKey;
  const where = options.baseUrl || 'The server';
  const errors: Middleware = {
    async onResponse({ response }) {
      if (!response.ok) throw await errorOf(response, where);
      if (response.status !== 204 && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(response.headers.get('content-type') ?? '')) {
        throw new ApiError(response.status, notJson(where, response.status));
      }
      return undefined;
    },
    onError({ error }) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      return new ApiError(
        0,
        `Could not reach Keyward${options.baseUrl ? ` at ${options.baseUrl}` : ''} (${reason}): is it running, and is the endpoint right?`,
        {},
        error,
      );
    },
  };
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers,
    // Keys and tokens travel in headers only: no cookies, and no cached answers (they can hold secrets).
    credentials: 'omit',
    cache: 'no-store',
    // An empty value is no value: forms and flags give '' for "not given".
    querySerializer(query) {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(query))
        if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
      return search.toString();
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  client.use(errors);
  // The same methods, under the stricter signatures above.
  return client as unknown as KeywardClient;
}

/** The JSON body of a call that succeeded (undefined for 204); a failed call rejects with its ApiError. */
export async function answer<R extends { data?: unknown }>(call: Promise<R>): Promise<R extends { data: infer D } ? D : never> {
  return (await call).data as R extends { data: infer D } ? D : never;
}
