import { readCredentials, type Credentials } from './credentials.ts';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:3000';

/** A failure to show the user as it is: the API's own message and code, or the CLI's. */
export class CliError extends Error {
  code: string | undefined;
  status: number | undefined;
  requestId: string | undefined;

  constructor(message: string, details: { code?: string; status?: number; requestId?: string } = {}) {
    super(message);
    this.name = 'CliError';
    this.code = details.code;
    this.status = details.status;
    this.requestId = details.requestId;
  }
}

export type Auth = { kind: 'token'; token: string; expiresAt: string } | { kind: 'apiKey'; apiKey: string };

export interface Session {
  endpoint: string;
  auth: Auth;
}

/** Drops a trailing slash so paths can be appended. */
export function normaliseEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new CliError(`'${endpoint}' is not a URL: pass the API's base URL, for example ${DEFAULT_ENDPOINT}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`'${endpoint}' is not an http(s) URL: pass the API's base URL, for example ${DEFAULT_ENDPOINT}.`);
  return url.href.replace(/\/+$/, '');
}

/**
 * The credential for a command: the token saved by `keyward login`, or else KEYWARD_API_KEY
 * sent as `x-api-key` (handy in CI). An expired token is an error, never a silent fallback.
 */
export function currentSession(env: NodeJS.ProcessEnv = process.env, now = new Date()): Session {
  const saved: Credentials | undefined = readCredentials(env);
  if (saved) {
    if (Date.parse(saved.tokenExpiresAt) <= now.getTime()) {
      throw new CliError(`Your login to ${saved.endpoint} expired at ${saved.tokenExpiresAt}: run \`keyward login\` again.`);
    }
    return { endpoint: saved.endpoint, auth: { kind: 'token', token: saved.token, expiresAt: saved.tokenExpiresAt } };
  }
  const apiKey = env.KEYWARD_API_KEY?.trim();
  if (apiKey) return { endpoint: normaliseEndpoint(env.KEYWARD_ENDPOINT || DEFAULT_ENDPOINT), auth: { kind: 'apiKey', apiKey } };
  throw new CliError('Not logged in: run `keyward login` (or set KEYWARD_API_KEY, and KEYWARD_ENDPOINT for a server other than the local one).');
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
}

export interface ApiResult<T> {
  status: number;
  body: T;
}

/** Sends one request and returns the parsed JSON body; any non-2xx answer throws a CliError with the API's message. */
export async function request<T = unknown>(endpoint: string, auth: Auth | undefined, method: string, path: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const url = new URL(endpoint + path);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (auth?.kind === 'token') headers.authorization = `Bearer ${auth.token}`;
  if (auth?.kind === 'apiKey') headers['x-api-key'] = auth.apiKey;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`Could not reach Keyward at ${endpoint} (${cause?.code ?? cause?.message ?? (error as Error).message}): is it running, and is the endpoint right?`);
  }
  const text = await response.text();
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliError(`${endpoint} answered ${response.status} with a body that is not JSON: is it a Keyward API?`, { status: response.status });
    }
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { code?: string; message?: string; requestId?: string };
    let message = error.message ?? `${method} ${path} failed with HTTP ${response.status}.`;
    if (response.status === 401 && auth?.kind === 'token') message += ' Run `keyward login` again if your key changed.';
    throw new CliError(message, {
      status: response.status,
      ...(error.code ? { code: error.code } : {}),
      ...(error.requestId ? { requestId: error.requestId } : {}),
    });
  }
  return { status: response.status, body: parsed as T };
}

/** A client bound to the current session. */
export function client(env: NodeJS.ProcessEnv = process.env) {
  const session = currentSession(env);
  return {
    session,
    call: <T = unknown>(method: string, path: string, options: RequestOptions = {}) => request<T>(session.endpoint, session.auth, method, path, options),
  };
}
