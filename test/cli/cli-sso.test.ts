import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as oidc from 'openid-client';
import { freePort } from '#local/dynamodb-local.ts';
import { startIdentityProvider, type RunningIdentityProvider } from '#local/identity-provider.ts';
import { addPerson, CLI_CLIENT_ID, localProviderEntry } from '#local/local-people.ts';
import { chooseProvider, type SignInProvider } from '../../cli/sso.ts';
import { completeLogin } from '../support/browser-login.ts';
import { cliRunner, type CliRun } from '../support/cli-process.ts';
import { useLocalServer } from '../support/local-http.ts';
import { newTenant } from '../support/api.ts';

// `keyward login --sso` against the local identity provider (the real oidc-provider and its
// login page) and the local Keyward trusting it: in a real terminal through tmux, with the
// browser's part done over HTTP as a browser would, and with the device flow.

const TENANT = 'cli-sso';
const entry = join(resolve(import.meta.dirname, '../..'), 'cli/keyward.ts');
const idpDir = mkdtempSync(join(tmpdir(), 'keyward-sso-idp-'));
const idpPort = await freePort();
// A second trusted provider that nobody runs: the CLI must say it cannot be reached.
const deadPort = await freePort();
const issuer = `http://127.0.0.1:${idpPort}`;
process.env.KEYWARD_IDENTITY_PROVIDERS = JSON.stringify([
  localProviderEntry(issuer),
  { ...localProviderEntry(`http://127.0.0.1:${deadPort}`), id: 'partner', name: 'Partner SSO' },
]);
const { served } = useLocalServer();
const { configHome, run } = cliRunner('sso');
const credentialsPath = join(configHome, 'keyward/credentials.json');

let idp: RunningIdentityProvider;
let ada: Awaited<ReturnType<typeof addPerson>>;
/** Everything the CLI showed, and every token it saved: no token may appear in the first. */
const shown: string[] = [];
const secrets = new Set<string>();

const saved = () => {
  const credentials = JSON.parse(readFileSync(credentialsPath, 'utf8'));
  secrets.add(credentials.token);
  if (credentials.sso?.refreshToken) secrets.add(credentials.sso.refreshToken);
  return credentials;
};

const cli = async (args: string[]): Promise<CliRun> => {
  const result = await run(args, {});
  shown.push(result.stdout, result.stderr);
  return result;
};

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** The CLI in its own process, its output readable while it runs (it waits on the sign-in). */
function startCli(args: string[]) {
  const child = spawn(process.execPath, [entry, ...args], {
    env: { PATH: process.env.PATH, HOME: configHome, XDG_CONFIG_HOME: configHome, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<CliRun>((done) =>
    child.on('close', (code) => {
      shown.push(output.stdout, output.stderr);
      done({ code, ...output });
    }),
  );
  const stderrMatch = (pattern: RegExp) => until(() => pattern.exec(output.stderr) ?? undefined, `${pattern} on stderr:\n${output.stderr}`);
  return { exited, stderrMatch };
}

/**
 * The browser's part of the device flow on the local provider: the code on its /device page,
 * the confirmation, then the login page; each form sent with its hidden fields, cookies kept.
 */
async function completeDeviceLogin(verificationUri: string, userCode: string, credentials: { email: string; password: string }) {
  const cookies = new Map<string, string>();
  const request = async (url: URL, form?: URLSearchParams) => {
    const response = await fetch(url, {
      redirect: 'manual',
      ...(form ? { method: 'POST', body: form.toString() } : {}),
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return response;
  };
  let url = new URL(verificationUri);
  let response = await request(url);
  for (let hop = 0; hop < 30; hop += 1) {
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      response = await request(url);
      continue;
    }
    const page = await response.text();
    const form = /<form[^>]*method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page);
    if (!form) return page;
    const fields = new URLSearchParams();
    for (const [input] of form[2]!.matchAll(/<input[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(input)?.[1];
      if (name) fields.set(name, /value="([^"]*)"/.exec(input)?.[1] ?? '');
    }
    if (fields.get('user_code') === '') fields.set('user_code', userCode);
    if (fields.has('password')) {
      fields.set('email', credentials.email);
      fields.set('password', credentials.password);
    }
    url = new URL(form[1]!.replaceAll('&amp;', '&'), url);
    response = await request(url, fields);
  }
  throw new Error('too many redirects');
}

/** `keyward login --sso --no-browser …` with the browser's part done through the local provider's login page. */
async function loginInBrowser(extra: string[] = []) {
  const login = startCli(['login', '--sso', '--provider', 'local', '--endpoint', served.base, '--no-browser', ...extra]);
  const [, url] = await login.stderrMatch(/Open this URL to sign in:\n(\S+)/);
  const { callback } = await completeLogin(url!, { email: ada.email, password: ada.password });
  const page = await (await fetch(callback!)).text();
  return { ...(await login.exited), page };
}

beforeAll(async () => {
  await newTenant(TENANT);
  idp = await startIdentityProvider({ port: idpPort, consoleOrigin: 'http://127.0.0.1:3999', dir: idpDir });
  ada = await addPerson({ email: 'ada@example.com', tenant: TENANT, role: 'admin', name: 'Ada' }, idpDir);
});

afterAll(async () => {
  await idp.close();
  rmSync(idpDir, { recursive: true, force: true });
});

describe('choosing the identity provider', () => {
  const provider = (id: string): SignInProvider => ({
    id,
    name: id,
    issuer: `https://${id}.example`,
    consoleClientId: null,
    cliClientId: 'cli',
  });

  it('takes the only provider, or the one asked for, and names the choices otherwise', () => {
    expect(chooseProvider([provider('corp')], undefined, 'E').id).toBe('corp');
    expect(chooseProvider([provider('corp'), provider('lab')], 'lab', 'E').id).toBe('lab');
    expect(() => chooseProvider([provider('corp'), provider('lab')], undefined, 'E')).toThrow('choose one with --provider (corp, lab)');
    expect(() => chooseProvider([], undefined, 'E')).toThrow('trusts no identity provider');
    expect(() => chooseProvider([{ ...provider('corp'), cliClientId: null }], undefined, 'E')).toThrow('no client for the CLI');
  });
});

describe('keyward login --sso in a terminal', () => {
  const socket = `keyward-sso-${randomUUID().slice(0, 8)}`;
  const opened = join(configHome, 'opened-urls');
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'cli');
  const type = (text: string) => tmux('send-keys', '-t', 'cli', '-l', text);
  const waitFor = (pattern: RegExp, timeoutMs?: number) =>
    until(
      () => {
        const text = screen();
        return pattern.test(text) ? text : undefined;
      },
      `${pattern} on the terminal`,
      timeoutMs,
    );

  beforeAll(async () => {
    // The "browser": writes down the URL it was asked to open, so no browser opens.
    const browser = join(configHome, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
    chmodSync(browser, 0o755);
    const env = ['PS1=$ ', `XDG_CONFIG_HOME=${configHome}`, `BROWSER=${browser}`, 'NO_COLOR=1'];
    tmux('new-session', '-d', '-s', 'cli', '-x', '200', '-y', '50', 'env', '-i', `PATH=${process.env.PATH}`, 'TERM=xterm', ...env, 'sh');
    type(`keyward() { '${process.execPath}' '${entry}' "$@"; }`);
    tmux('send-keys', '-t', 'cli', 'Enter');
  });

  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // Already gone.
    }
  });

  it('signs the person in through the browser and saves a token that whoami uses', { timeout: 60_000 }, async () => {
    type(`clear; keyward login --sso --provider local --endpoint ${served.base}`);
    tmux('send-keys', '-t', 'cli', 'Enter');
    const prompt = await waitFor(/Open this URL to sign in:\n(http\S+)/);
    const url = /Open this URL to sign in:\n(http\S+)/.exec(prompt)![1]!;
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
    expect(new URL(url).searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect((await until(() => (existsSync(opened) ? readFileSync(opened, 'utf8') : undefined), 'the browser opened')).trim()).toBe(url);

    const { callback } = await completeLogin(url, { email: ada.email, password: ada.password });
    const page = await fetch(callback!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in, you can close this tab');
    const loggedIn = await waitFor(/Logged in to .*\n.*saved in/);
    expect(loggedIn).toContain(`Logged in to ${served.base} as ada@example.com (admin) of tenant '${TENANT}' through Local sign-in.`);
    shown.push(loggedIn);

    expect(statSync(credentialsPath).mode & 0o777).toBe(0o600);
    const credentials = saved();
    expect(credentials).toEqual({
      endpoint: served.base,
      token: expect.any(String),
      tokenExpiresAt: expect.any(String),
      sso: { provider: 'local', issuer, clientId: CLI_CLIENT_ID, refreshToken: expect.any(String) },
    });
    // The tenant's personTokenSeconds, 900 s by default.
    expect(Date.parse(credentials.tokenExpiresAt) - Date.now()).toBeGreaterThan(850_000);
    expect(Date.parse(credentials.tokenExpiresAt) - Date.now()).toBeLessThanOrEqual(900_000);

    type(`clear; keyward whoami`);
    tmux('send-keys', '-t', 'cli', 'Enter');
    const whoami = await waitFor(/Credential:.*\n/);
    shown.push(whoami);
    expect(whoami).toMatch(new RegExp(`Person:\\s+ada@example.com \\(${ada.personId}\\)`));
    expect(whoami).toMatch(/Role:\s+admin/);
    expect(whoami).toMatch(new RegExp(`Tenant:\\s+${TENANT}`));
    expect(whoami).toMatch(/Credential:\s+SSO through local, expires in 1[45] minutes/);
  });
});

describe('a saved SSO login', () => {
  it('renews an expiring token silently: a refresh at the provider, then the exchange again', { timeout: 30_000 }, async () => {
    const before = saved();
    // Within the minute before expiry counts as expired: the call must not start with a token about to lapse.
    writeFileSync(credentialsPath, JSON.stringify({ ...before, tokenExpiresAt: new Date(Date.now() + 30_000).toISOString() }));
    const whoami = await cli(['whoami']);
    expect(whoami.code, whoami.stderr).toBe(0);
    expect(whoami.stdout).toMatch(/Role:\s+admin/);
    expect(whoami.stdout).toMatch(/SSO through local, expires in 1[45] minutes/);
    const after = saved();
    expect(after.token).not.toBe(before.token);
    expect(after.sso.refreshToken).not.toBe(before.sso.refreshToken);
    expect(Date.parse(after.tokenExpiresAt) - Date.now()).toBeGreaterThan(850_000);

    // Renewed once: the next call uses the new token as it is.
    await cli(['whoami']);
    expect(saved().token).toBe(after.token);
  });

  it('says the sign-in has ended when the provider refuses the refresh token', async () => {
    const credentials = saved();
    writeFileSync(
      credentialsPath,
      JSON.stringify({
        ...credentials,
        tokenExpiresAt: new Date(Date.now() - 1000).toISOString(),
        sso: { ...credentials.sso, refreshToken: 'not-a-refresh-token' },
      }),
    );
    const whoami = await cli(['whoami']);
    expect(whoami.code).toBe(1);
    expect(whoami.stderr).toContain('Your sign-in has ended: run keyward login --sso again.');
  });

  it('asks for a new login when the token expired and there is no refresh token', async () => {
    const { sso, ...credentials } = saved();
    const { refreshToken: _refreshToken, ...withoutRefresh } = sso;
    writeFileSync(
      credentialsPath,
      JSON.stringify({ ...credentials, tokenExpiresAt: new Date(Date.now() - 1000).toISOString(), sso: withoutRefresh }),
    );
    const whoami = await cli(['whoami']);
    expect(whoami.code).toBe(1);
    expect(whoami.stderr).toContain('run `keyward login --sso` again');
  });
});

describe('keyward login --sso --device', () => {
  it('prints the verification URL and code, and logs in once the person signs in on another device', { timeout: 60_000 }, async () => {
    const login = startCli(['login', '--sso', '--provider', 'local', '--device', '--endpoint', served.base]);
    const [, complete, uri, code] = await login.stderrMatch(/open this URL on any device:\n(\S+)\nor open (\S+) and enter the code (\S+)/);
    expect(uri).toBe(`${issuer}/device`);
    expect(complete).toBe(`${uri}?user_code=${code}`);

    const page = await completeDeviceLogin(uri!, code!, { email: ada.email, password: ada.password });
    expect(page).toContain('Sign-in Success');
    const done = await login.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain(`as ada@example.com (admin) of tenant '${TENANT}' through Local sign-in.`);
    expect(saved().sso).toMatchObject({ provider: 'local', refreshToken: expect.any(String) });

    const whoami = await cli(['whoami', '--json']);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ person: { id: ada.personId, role: 'admin' }, tenant: TENANT });
  });
});

describe('keyward logout', () => {
  it('revokes the refresh token at the provider and deletes the saved login', async () => {
    const { sso } = saved();
    const logout = await cli(['logout']);
    expect(logout.code, logout.stderr).toBe(0);
    expect(logout.stdout).toContain(`Revoked your sign-in at ${issuer}.`);
    expect(existsSync(credentialsPath)).toBe(false);
    const config = await oidc.discovery(new URL(issuer), CLI_CLIENT_ID, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    await expect(oidc.refreshTokenGrant(config, sso.refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });

    const whoami = await cli(['whoami']);
    expect(whoami.stderr).toContain('Not logged in');
    expect((await cli(['logout'])).stdout).toContain('Not logged in: nothing to delete.');
  });
});

describe('keyward login --sso refusals', () => {
  it('shows Keyward refusing a tenant the person has no group for, and saves nothing', { timeout: 30_000 }, async () => {
    const login = await loginInBrowser(['--tenant', 'not-hers']);
    expect(login.page).toContain('Signed in');
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/keyward: .+ \(invalid_target\)/);
    expect(existsSync(credentialsPath)).toBe(false);
  });

  it('names the providers when the one asked for is unknown, or when none is chosen among several', async () => {
    const unknown = await cli(['login', '--sso', '--provider', 'nope', '--endpoint', served.base]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`${served.base} trusts no identity provider 'nope': choose one of local, partner.`);
    const several = await cli(['login', '--sso', '--endpoint', served.base]);
    expect(several.code).toBe(1);
    expect(several.stderr).toContain('choose one with --provider (local, partner)');
  });

  it('says when the identity provider cannot be reached', async () => {
    const login = await cli(['login', '--sso', '--provider', 'partner', '--endpoint', served.base, '--no-browser']);
    expect(login.code).toBe(1);
    expect(login.stderr).toContain(`Could not reach the identity provider at http://127.0.0.1:${deadPort} (ECONNREFUSED)`);
  });

  it('keeps the SSO options for --sso', async () => {
    const login = await cli(['login', '--device', '--endpoint', served.base]);
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('go with --sso');
  });
});

describe('what the CLI shows', () => {
  it('never shows a token: not Keyward’s, not the provider’s ID or refresh token', () => {
    expect(secrets.size).toBeGreaterThan(3);
    const everything = shown.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    // An ID token or a Keyward token is a JWT: none may appear at all.
    expect(everything).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/);
  });
});
