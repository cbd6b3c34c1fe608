/** The public HTTP API (see /openapi.json), the only thing the console talks to, through the shared client. */
import {
  answer,
  ApiError,
  createKeywardClient,
  type Answer,
  type components,
  type KeywardClient,
  type Query,
  type RequestBody,
} from '../../shared/client/keyward-client.ts';

export { ApiError };

export type KeyView = components['schemas']['KeyView'];
export type AuditEvent = Answer<'get', '/v1/audit'>['items'][number];
export type CreateKeyInput = RequestBody<'post', '/v1/keys'>;
export type KeyQuery = Query<'get', '/v1/keys'>;
export type KeyChange = RequestBody<'patch', '/v1/keys/{keyId}'>;
export type TenantUsage = Answer<'get', '/v1/usage'>;
export type TenantPolicy = components['schemas']['TenantPolicy'];
export type RevokeAllInput = RequestBody<'post', '/v1/keys/revoke-all'>;

export type Person = Answer<'get', '/v1/people'>['items'][number];
export type SignInProvider = Answer<'get', '/v1/sign-in/providers'>['providers'][number];

/** Who is signed in: a key, or a person with their role. */
export type Signer =
  | { kind: 'key'; id: string; name: string; type: string }
  | { kind: 'person'; id: string; email: string | null; name: string | null; role: 'admin' | 'manager' | 'creator' | 'viewer' };

/** What is kept of a sign-in, for this tab only: the token, whose it is, its tenant and scopes. */
export interface Session {
  token: string;
  expiresAt: string;
  tenant: string;
  scopes: string[];
  who: Signer;
}

const STORAGE = 'keyward.session';
const EXPIRED = 'Your session expired. Sign in again.';
let expiryTimer: number | undefined;
let onSignOut: (message: string | null) => void = () => {};

export function onSessionEnd(listener: (message: string | null) => void) {
  onSignOut = listener;
}

export function currentSession(): Session | null {
  const stored = sessionStorage.getItem(STORAGE);
  if (!stored) return null;
  try {
    const session = JSON.parse(stored) as Session;
    if (session.who && Date.parse(session.expiresAt) > Date.now()) return session;
  } catch {
    // A damaged entry is no session.
  }
  sessionStorage.removeItem(STORAGE);
  return null;
}

type Permission = 'keys:read' | 'keys:write' | 'keys:admin' | 'keys:create';
export const can = (permission: Permission) => currentSession()?.scopes.includes(permission) ?? false;

/** A creator manages only the keys they own, and only `client` keys. */
export const isCreator = () => {
  const who = currentSession()?.who;
  return who?.kind === 'person' && who.role === 'creator';
};

function watchExpiry(session: Session) {
  clearTimeout(expiryTimer);
  const left = Date.parse(session.expiresAt) - Date.now();
  expiryTimer = window.setTimeout(() => signOut(EXPIRED), Math.max(0, left));
}

export function resumeSession(): Session | null {
  const session = currentSession();
  if (session) watchExpiry(session);
  return session;
}

export function signOut(message: string | null = null) {
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(STORAGE);
  onSignOut(message);
}

let apiBase: Promise<string> | undefined;

/**
 * Where the API lives: the same origin when `npm start` serves the console, or the `apiUrl`
 * of the `config.json` the stack deploys beside the console.
 */
function apiBaseUrl(): Promise<string> {
  apiBase ??= fetch('/config.json', { cache: 'no-store', headers: { accept: 'application/json' } })
    .then(async (response) =>
      response.ok ? String(((await response.json()) as { apiUrl?: string }).apiUrl ?? '').replace(/\/+$/, '') : '',
    )
    .catch(() => '');
  return apiBase;
}

/** One call, with the token if given; a 401 on a token ends the session. */
async function call<R extends { data?: unknown }>(token: string | undefined, send: (client: KeywardClient) => Promise<R>) {
  const client = createKeywardClient({ baseUrl: await apiBaseUrl(), ...(token ? { credential: { token } } : {}) });
  try {
    return await answer(send(client));
  } catch (error) {
    if (error instanceof ApiError && error.status === 0) {
      throw new ApiError(0, 'The Keyward API could not be reached; check that the server is running and try again.', {}, error);
    }
    if (token && error instanceof ApiError && error.status === 401) signOut(error.code === 'auth.token_expired' ? EXPIRED : error.message);
    throw error;
  }
}

/** Keeps a token with what `whoami` says of it: the token's scopes carry keys:read/write/admin, the key view only custom ones. */
async function keepSession(token: string, expiresAt: string): Promise<Session> {
  const whoami = await call(token, (client) => client.GET('/v1/whoami'));
  const who: Signer =
    'person' in whoami
      ? { kind: 'person', ...whoami.person }
      : { kind: 'key', id: whoami.key.id, name: whoami.key.name, type: whoami.key.type };
  const session: Session = { token, expiresAt, tenant: whoami.tenant, scopes: whoami.scopes, who };
  sessionStorage.setItem(STORAGE, JSON.stringify(session));
  watchExpiry(session);
  return session;
}

/** Exchanges the API key for a token; only the token (and who it belongs to) is kept. */
export async function signIn(apiKey: string): Promise<Session> {
  const issued = await call(undefined, (client) => client.POST('/v1/authentication', { body: { apiKey, expiresIn: 3600 } }));
  return keepSession(issued.token, issued.expiresAt);
}

/** Trades the identity provider's ID token for a Keyward token (RFC 8693 token exchange); the ID token is not kept. */
export async function signInWithIdToken(idToken: string): Promise<Session> {
  let response: Response;
  try {
    response = await fetch(`${await apiBaseUrl()}/v1/oauth/token`, {
      method: 'POST',
      credentials: 'omit',
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: idToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      }),
    });
  } catch (error) {
    throw new ApiError(0, 'The Keyward API could not be reached; check that the server is running and try again.', {}, error);
  }
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    expires_in?: number;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || !body.access_token) throw new ApiError(response.status, body.error_description ?? 'Keyward refused the sign-in.', {});
  return keepSession(body.access_token, new Date(Date.now() + (body.expires_in ?? 0) * 1000).toISOString());
}

/** The identity providers this deployment trusts, to offer "Sign in with …"; none when it could not say. */
export async function signInProviders(): Promise<SignInProvider[]> {
  try {
    return (await call(undefined, (client) => client.GET('/v1/sign-in/providers'))).providers;
  } catch {
    return [];
  }
}

function authed<R extends { data?: unknown }>(send: (client: KeywardClient) => Promise<R>) {
  const session = currentSession();
  if (!session) {
    signOut(EXPIRED);
    return Promise.reject(new ApiError(401, EXPIRED, { code: 'auth.token_expired' }));
  }
  return call(session.token, send);
}

const key = (keyId: string) => ({ params: { path: { keyId } } });

export const api = {
  listKeys: (query: KeyQuery) => authed((client) => client.GET('/v1/keys', { params: { query } })),
  getKey: (keyId: string) => authed((client) => client.GET('/v1/keys/{keyId}', key(keyId))),
  createKey: (body: CreateKeyInput) => authed((client) => client.POST('/v1/keys', { body })),
  updateKey: (keyId: string, body: RequestBody<'patch', '/v1/keys/{keyId}'>) =>
    authed((client) => client.PATCH('/v1/keys/{keyId}', { ...key(keyId), body })),
  regenerate: (keyId: string, gracePeriodSeconds: number) =>
    authed((client) => client.POST('/v1/keys/{keyId}/regenerate', { ...key(keyId), body: { gracePeriodSeconds } })),
  revoke: (keyId: string, reason: string) =>
    authed((client) => client.POST('/v1/keys/{keyId}/revoke', { ...key(keyId), body: reason ? { reason } : {} })),
  deleteKey: (keyId: string) => authed((client) => client.DELETE('/v1/keys/{keyId}', key(keyId))),
  reveal: (keyId: string) => authed((client) => client.GET('/v1/keys/{keyId}/secret', key(keyId))),
  audit: (query: Query<'get', '/v1/audit'>) => authed((client) => client.GET('/v1/audit', { params: { query } })),
  revokeAll: (body: RevokeAllInput) => authed((client) => client.POST('/v1/keys/revoke-all', { body })),
  keyUsage: (keyId: string, query: Query<'get', '/v1/usage'>) =>
    authed((client) => client.GET('/v1/keys/{keyId}/usage', { params: { path: { keyId }, query } })),
  tenantUsage: (query: Query<'get', '/v1/usage'>) => authed((client) => client.GET('/v1/usage', { params: { query } })),
  getPolicy: () => authed((client) => client.GET('/v1/tenant/policy')),
  putPolicy: (body: TenantPolicy) => authed((client) => client.PUT('/v1/tenant/policy', { body })),
  listPeople: (query: Query<'get', '/v1/people'>) => authed((client) => client.GET('/v1/people', { params: { query } })),
  signOutPerson: (personId: string) =>
    authed((client) => client.POST('/v1/people/{personId}/sign-out', { params: { path: { personId } } })),
};
