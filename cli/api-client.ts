import { answer, ApiError, createKeywardClient, type KeywardClient } from '#shared/client/keyward-client.ts';
import { readCredentials, type Credentials, type SsoSignIn } from './credentials.ts';
import { renewSignIn } from './sso.ts';

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

/** A saved token (with, after `keyward login --sso`, how to renew it), or an API key. */
export type Auth = { kind: 'token'; token: string; expiresAt: string; sso?: SsoSignIn } | { kind: 'apiKey'; apiKey: string };

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
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`'${endpoint}' is not an http(s) URL: pass the API's base URL, for example ${DEFAULT_ENDPOINT}.`);
  return url.href.replace(/\/+$/, '');
}

/** A person's token this close to its expiry is renewed before a call, so no call starts with a token about to lapse. */
const RENEW_BEFORE_MS = 60_000;

const sessionOf = (saved: Credentials): Session => ({
  endpoint: saved.endpoint,
  auth: { kind: 'token', token: saved.token, expiresAt: saved.tokenExpiresAt, ...(saved.sso ? { sso: saved.sso } : {}) },
});

/**
 * The credential for a command: the token saved by `keyward login`, or else KEYWARD_API_KEY
 * sent as `x-api-key` (handy in CI). An expired token is an error, never a silent fallback,
 * unless it is a person's with a refresh token: `client()` renews that one.
 */
export function currentSession(env: NodeJS.ProcessEnv = process.env, now = new Date()): Session {
  const saved: Credentials | undefined = readCredentials(env);
  if (saved) {
    if (Date.parse(saved.tokenExpiresAt) <= now.getTime() && !saved.sso?.refreshToken) {
      const login = saved.sso ? 'keyward login --sso' : 'keyward login';
      throw new CliError(`Your login to ${saved.endpoint} expired at ${saved.tokenExpiresAt}: run \`${login}\` again.`);
    }
    return sessionOf(saved);
  }
  const apiKey = env.KEYWARD_API_KEY?.trim();
  if (apiKey) return { endpoint: normaliseEndpoint(env.KEYWARD_ENDPOINT || DEFAULT_ENDPOINT), auth: { kind: 'apiKey', apiKey } };
  throw new CliError(
    'Not logged in: run `keyward login` (or set KEYWARD_API_KEY, and KEYWARD_ENDPOINT for a server other than the local one).',
  );
}

/** The session with a person's token renewed at their identity provider when it is due; any other session as it is. */
async function renewedIfDue(session: Session, env: NodeJS.ProcessEnv): Promise<Session> {
  const { auth } = session;
  if (auth.kind !== 'token' || !auth.sso?.refreshToken || Date.parse(auth.expiresAt) - Date.now() > RENEW_BEFORE_MS) return session;
  return sessionOf(
    await renewSignIn({ endpoint: session.endpoint, token: auth.token, tokenExpiresAt: auth.expiresAt, sso: auth.sso }, env),
  );
}

/** An API failure as the CLI shows it: the API's message and code, and what to do about an expired login. */
function cliError(error: unknown, auth: Auth | undefined): unknown {
  if (!(error instanceof ApiError)) return error;
  const hint =
    error.status === 401 && auth?.kind === 'token'
      ? auth.sso
        ? ' Run `keyward login --sso` again.'
        : ' Run `keyward login` again if your key changed.'
      : '';
  return new CliError(error.message + hint, {
    ...(error.status ? { status: error.status } : {}),
    ...(error.code ? { code: error.code } : {}),
    ...(error.requestId ? { requestId: error.requestId } : {}),
  });
}

/** The API at `endpoint`; `call` answers a call's JSON body, and any failure throws a CliError with the API's message. */
export function connect(endpoint: string, auth?: Auth) {
  const http = createKeywardClient({
    baseUrl: endpoint,
    ...(auth ? { credential: auth.kind === 'token' ? { token: auth.token } : { apiKey: auth.apiKey } } : {}),
  });
  return {
    async call<R extends { data?: unknown }>(send: (client: KeywardClient) => Promise<R>) {
      try {
        return await answer(send(http));
      } catch (error) {
        throw cliError(error, auth);
      }
    },
  };
}

/** A client bound to the current session, renewed once before its first call when a person's token is due. */
export function client(env: NodeJS.ProcessEnv = process.env) {
  let session = currentSession(env);
  let ready: Promise<void> | undefined;
  return {
    /** The session the calls use: after the first call, the renewed one. */
    get session() {
      return session;
    },
    async call<R extends { data?: unknown }>(send: (client: KeywardClient) => Promise<R>) {
      ready ??= renewedIfDue(session, env).then((renewed) => {
        session = renewed;
      });
      await ready;
      return connect(session.endpoint, session.auth).call(send);
    },
  };
}
