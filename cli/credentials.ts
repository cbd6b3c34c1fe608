import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What `keyward login` keeps between runs: never the API key itself, only a short-lived token. */
export interface Credentials {
  endpoint: string;
  token: string;
  tokenExpiresAt: string;
}

/** `$XDG_CONFIG_HOME/keyward`, or `~/.config/keyward`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'keyward');
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'credentials.json');
}

/** The saved credentials, or undefined when `keyward login` was never run (or the file is unreadable). */
export function readCredentials(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const file = credentialsFile(env);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>;
    if (typeof parsed.endpoint !== 'string' || typeof parsed.token !== 'string' || typeof parsed.tokenExpiresAt !== 'string')
      return undefined;
    return { endpoint: parsed.endpoint, token: parsed.token, tokenExpiresAt: parsed.tokenExpiresAt };
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
  const body = { endpoint: credentials.endpoint, token: credentials.token, tokenExpiresAt: credentials.tokenExpiresAt };
  writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return file;
}
