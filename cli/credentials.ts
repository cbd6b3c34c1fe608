import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** How a person signed in with `keyward login --sso`: enough to renew their Keyward token without asking them again. */
export interface SsoSignIn {
  /** The provider's id in GET /v1/sign-in/providers. */
  provider: string;
  issuer: string;
  clientId: string;
  /** The tenant asked for with --tenant, asked for again on each renewal. */
  tenant?: string;
  /** The identity provider's refresh token, when it gave one: without it the sign-in ends with the Keyward token. */
  refreshToken?: string;
}

/** What `keyward login` keeps between runs: never the API key itself, only a short-lived token (and, for SSO, how to renew it). */
export interface Credentials {
  endpoint: string;
  token: string;
  tokenExpiresAt: string;
  sso?: SsoSignIn;
}

/** `$XDG_CONFIG_HOME/keyward`, or `~/.config/keyward`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'keyward');
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'credentials.json');
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isOptionalText = (value: unknown) => value === undefined || isText(value);

function ssoOf(value: unknown): SsoSignIn | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const sso = value as Partial<Record<keyof SsoSignIn, unknown>>;
  if (
    !isText(sso.provider) ||
    !isText(sso.issuer) ||
    !isText(sso.clientId) ||
    !isOptionalText(sso.tenant) ||
    !isOptionalText(sso.refreshToken)
  )
    return undefined;
  return {
    provider: sso.provider,
    issuer: sso.issuer,
    clientId: sso.clientId,
    ...(isText(sso.tenant) ? { tenant: sso.tenant } : {}),
    ...(isText(sso.refreshToken) ? { refreshToken: sso.refreshToken } : {}),
  };
}

/** The saved credentials, or undefined when `keyward login` was never run (or the file is unreadable). */
export function readCredentials(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const file = credentialsFile(env);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof Credentials, unknown>>;
    if (!isText(parsed.endpoint) || !isText(parsed.token) || !isText(parsed.tokenExpiresAt)) return undefined;
    const sso = ssoOf(parsed.sso);
    return { endpoint: parsed.endpoint, token: parsed.token, tokenExpiresAt: parsed.tokenExpiresAt, ...(sso ? { sso } : {}) };
  } catch {
    return undefined;
  }
}

/** Writes the credentials readable by the user only: directory 0700, file 0600, replaced atomically. */
export function saveCredentials(credentials: Credentials, env: NodeJS.ProcessEnv = process.env): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = credentialsFile(env);
  const temporary = `${file}.${process.pid}.tmp`;
  const { endpoint, token, tokenExpiresAt, sso } = credentials;
  const body = { endpoint, token, tokenExpiresAt, ...(sso ? { sso } : {}) };
  writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return file;
}

/** Removes the saved credentials; false when there were none. */
export function deleteCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  const file = credentialsFile(env);
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}
