/** The public HTTP API (see the contract), the only thing the console talks to. */
export interface KeyView {
  id: string;
  name: string;
  description: string;
  type: 'system' | 'privileged' | 'viewer';
  scopes: string[];
  status: 'active' | 'disabled' | 'revoked' | 'expired';
  preview: string;
  recoverable: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface AuditEvent {
  id: string;
  at: string;
  action: string;
  keyId: string;
  actor: string;
  sourceIp: string;
  outcome: string;
  details?: Record<string, unknown> | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Session {
  token: string;
  expiresAt: string;
  key: { id: string; name: string; type: string; scopes: string[]; tenant: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

const STORAGE = 'keyward.session';
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
    if (Date.parse(session.expiresAt) > Date.now()) return session;
  } catch {
    // A damaged entry is no session.
  }
  sessionStorage.removeItem(STORAGE);
  return null;
}

export const can = (permission: 'keys:read' | 'keys:write' | 'keys:admin') => currentSession()?.key.scopes.includes(permission) ?? false;

function watchExpiry(session: Session) {
  clearTimeout(expiryTimer);
  const left = Date.parse(session.expiresAt) - Date.now();
  expiryTimer = window.setTimeout(() => signOut('Your session expired. Sign in again with your API key.'), Math.max(0, left));
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
    .then(async (response) => (response.ok ? String(((await response.json()) as { apiUrl?: string }).apiUrl ?? '').replace(/\/+$/, '') : ''))
    .catch(() => '');
  return apiBase;
}

async function request<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`${await apiBaseUrl()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network.unreachable', 'The Keyward API could not be reached; check that the server is running and try again.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json?.code ?? 'http.error', json?.message ?? `The API answered ${response.status} without an explanation.`, json?.details ?? []);
    if (token && response.status === 401) {
      signOut(error.code === 'auth.token_expired' ? 'Your session expired. Sign in again with your API key.' : error.message);
    }
    throw error;
  }
  return json as T;
}

/** Exchanges the API key for a token; only the token (and who it belongs to) is kept. */
export async function signIn(apiKey: string): Promise<Session> {
  const answer = await request<{ token: string; expiresAt: string; key: Session['key'] }>('POST', '/v1/authentication', { apiKey, expiresIn: 3600 });
  const session: Session = { token: answer.token, expiresAt: answer.expiresAt, key: answer.key };
  // The token's own scope list carries keys:read/write/admin; the key view has only custom scopes.
  const whoami = await request<{ scopes: string[] }>('GET', '/v1/whoami', undefined, answer.token);
  session.key = { ...answer.key, scopes: whoami.scopes };
  sessionStorage.setItem(STORAGE, JSON.stringify(session));
  watchExpiry(session);
  return session;
}

function authed<T>(method: string, path: string, body?: unknown): Promise<T> {
  const session = currentSession();
  if (!session) {
    signOut('Your session expired. Sign in again with your API key.');
    return Promise.reject(new ApiError(401, 'auth.token_expired', 'Your session expired. Sign in again with your API key.'));
  }
  return request<T>(method, path, body, session.token);
}

const query = (params: Record<string, string | number | null | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

export const api = {
  listKeys: (params: { search?: string; type?: string; status?: string; order?: 'asc' | 'desc'; limit?: number; cursor?: string | null }) => authed<Page<KeyView>>('GET', `/v1/keys${query(params)}`),
  getKey: (id: string) => authed<KeyView>('GET', `/v1/keys/${encodeURIComponent(id)}`),
  createKey: (input: Record<string, unknown>) => authed<{ key: KeyView; apiKey: string; keySecret: string }>('POST', '/v1/keys', input),
  updateKey: (id: string, input: Record<string, unknown>) => authed<KeyView>('PATCH', `/v1/keys/${encodeURIComponent(id)}`, input),
  regenerate: (id: string, gracePeriodSeconds: number) => authed<{ key: KeyView; apiKey: string; keySecret: string }>('POST', `/v1/keys/${encodeURIComponent(id)}/regenerate`, { gracePeriodSeconds }),
  revoke: (id: string, reason: string) => authed<KeyView>('POST', `/v1/keys/${encodeURIComponent(id)}/revoke`, reason ? { reason } : {}),
  deleteKey: (id: string) => authed<void>('DELETE', `/v1/keys/${encodeURIComponent(id)}`),
  reveal: (id: string) => authed<{ apiKey: string }>('GET', `/v1/keys/${encodeURIComponent(id)}/secret`),
  audit: (params: { keyId?: string; limit?: number; cursor?: string | null }) => authed<Page<AuditEvent>>('GET', `/v1/audit${query(params)}`),
};
