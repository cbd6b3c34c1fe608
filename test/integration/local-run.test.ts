import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as client from 'openid-client';
import { freePort } from '#local/dynamodb-local.ts';
import { completeLogin } from '../support/browser-login.ts';

const root = resolve(import.meta.dirname, '../..');
const workDir = mkdtempSync(join(tmpdir(), 'keyward-local-'));
// Only what a user's shell would have: the test harness's own settings must not leak in.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARD_') && !name.startsWith('POWERTOOLS_')),
);

interface Started {
  child: ChildProcess;
  output: () => string;
  base: string;
}

/** Runs `npm start`'s entry point in a fresh folder and waits until it serves. */
async function start(): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'local/start.ts')], {
    cwd: workDir,
    env: { ...env, PORT: String(port), IDP_PORT: String(await freePort()) },
    stdio: 'pipe',
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Keyward is serving')) {
    if (child.exitCode !== null) throw new Error(`npm start exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output, base: `http://127.0.0.1:${port}` };
}

async function stop({ child }: Started): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'cli/keyward.ts'), ...args], { cwd: workDir, env, encoding: 'utf8' });

let first: Started;
let systemKey: string;
let adminPassword: string;

beforeAll(async () => {
  first = await start();
  systemKey = /kw_[A-Za-z0-9]{54}/.exec(first.output())![0];
  adminPassword = /password: {2}(\S+)/.exec(first.output())![1]!;
}, 90_000);

/** A person's sign-in as the console does it: the local provider's login page, then the token exchange. */
async function signInWithSso(base: string, credentials: { email: string; password: string }) {
  const { providers } = (await (await fetch(`${base}/v1/sign-in/providers`)).json()) as {
    providers: { id: string; issuer: string; consoleClientId: string }[];
  };
  const local = providers.find((provider) => provider.id === 'local')!;
  const config = await client.discovery(new URL(local.issuer), local.consoleClientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: `${base}/`,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
  });
  const { callback } = await completeLogin(url, credentials);
  const tokens = await client.authorizationCodeGrant(config, callback!, { pkceCodeVerifier: verifier, expectedNonce: nonce });
  const exchanged = await fetch(`${base}/v1/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: tokens.id_token!,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    }),
  });
  const { access_token } = (await exchanged.json()) as { access_token: string };
  return (await (await fetch(`${base}/v1/whoami`, { headers: { authorization: `Bearer ${access_token}` } })).json()) as {
    person: { id: string; email: string; role: string };
    tenant: string;
  };
}

afterAll(async () => {
  if (first.child.exitCode === null) expect(await stop(first)).toBe(0);
});

describe('npm start', () => {
  it('says in one line how to install Java when it is missing', () => {
    const run = spawnSync(process.execPath, [join(root, 'local/start.ts')], {
      cwd: workDir,
      env: { ...env, PATH: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('apt-get install -y openjdk-17-jre-headless');
  });

  it('serves the README walk-through over HTTP', async () => {
    const json = { 'content-type': 'application/json' };
    const auth = await fetch(`${first.base}/v1/authentication`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ apiKey: systemKey }),
    });
    expect(auth.status).toBe(200);
    const { token } = (await auth.json()) as { token: string };
    const bearer = { ...json, authorization: `Bearer ${token}` };
    const created = await fetch(`${first.base}/v1/keys`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ name: 'billing-sync', type: 'privileged', expiresInDays: 90 }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: { id: string } };
    const listed = (await (await fetch(`${first.base}/v1/keys?limit=10`, { headers: bearer })).json()) as { items: { id: string }[] };
    expect(listed.items.map((k: { id: string }) => k.id)).toContain(key.id);
    const regenerated = await fetch(`${first.base}/v1/keys/${key.id}/regenerate`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ gracePeriodSeconds: 3600 }),
    });
    expect(regenerated.status).toBe(200);
    const revoked = await fetch(`${first.base}/v1/keys/${key.id}/revoke`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({ reason: 'demo' }),
    });
    expect(((await revoked.json()) as { status: string }).status).toBe('revoked');

    // Each of those changes also became an event, one JSON line each, in .data/events.ndjson.
    const eventsFile = join(workDir, '.data', 'events.ndjson');
    const wanted = ['tenant.bootstrap', 'key.create', 'key.regenerate', 'key.revoke'];
    const deadline = Date.now() + 20_000;
    let kinds: string[] = [];
    while (Date.now() < deadline && !wanted.every((kind) => kinds.includes(kind))) {
      await new Promise((done) => setTimeout(done, 250));
      kinds = existsSync(eventsFile)
        ? readFileSync(eventsFile, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((line) => (JSON.parse(line) as { 'detail-type': string })['detail-type'])
        : [];
    }
    expect(kinds).toEqual(expect.arrayContaining(wanted));
  });

  it('runs its identity provider: the printed admin signs in with SSO, and people add adds a person who can too', async () => {
    expect(first.output()).toMatch(/Sign in to the console at http:\/\/127\.0\.0\.1:\d+\/ with\n {2}e-mail: {4}admin@default\.local\n/);
    const admin = await signInWithSso(first.base, { email: 'admin@default.local', password: adminPassword });
    expect(admin).toMatchObject({ person: { email: 'admin@default.local', role: 'admin' }, tenant: 'default' });

    const added = cli('people', 'add', '--email', 'cleo@example.com', '--tenant', 'default', '--role', 'creator', '--json');
    expect(added.status, added.stderr).toBe(0);
    const person = JSON.parse(added.stdout) as { email: string; password: string; personId: string };
    expect(person).toMatchObject({ email: 'cleo@example.com', personId: expect.stringMatching(/^local:[\w-]+$/) });
    const creator = await signInWithSso(first.base, person);
    expect(creator).toMatchObject({ person: { id: person.personId, role: 'creator' }, tenant: 'default' });

    const elsewhere = spawnSync(
      process.execPath,
      [join(root, 'cli/keyward.ts'), 'people', 'add', '--email', 'x@example.com', '--tenant', 'default', '--role', 'viewer'],
      {
        cwd: tmpdir(),
        env,
        encoding: 'utf8',
      },
    );
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toContain('people add works only with the local identity provider');
  });

  it('answers unknown routes and methods with JSON errors', async () => {
    const missing = await fetch(`${first.base}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('route.not_found');
    const wrongMethod = await fetch(`${first.base}/v1/whoami`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(((await wrongMethod.json()) as { code: string }).code).toBe('route.method_not_allowed');
  });

  it('bootstraps another tenant from the CLI, once', () => {
    const created = cli('bootstrap', '--tenant', 'acme', '--json');
    expect(created.status, created.stderr).toBe(0);
    const body = JSON.parse(created.stdout);
    expect(body).toEqual({ tenant: 'acme', keyId: expect.any(String), apiKey: expect.stringMatching(/^kw_/) });
    const again = cli('bootstrap', '--tenant', 'acme');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("Tenant 'acme' already exists");
    const invalid = cli('bootstrap', '--tenant', 'Not Valid');
    expect(invalid.status).not.toBe(0);
    expect(invalid.stderr).toContain('lowercase');
  });

  it('stops cleanly on Ctrl-C, DynamoDB Local too, and keeps its data for the next start', async () => {
    expect(await stop(first)).toBe(0);
    expect(existsSync(join(workDir, '.data/local.json'))).toBe(false);
    const noServer = cli('bootstrap', '--tenant', 'later');
    expect(noServer.status).toBe(1);
    expect(noServer.stderr).toContain('npm start');

    // The second start serves the other tests from here on, whatever order they run in.
    first = await start();
    expect(first.output()).not.toMatch(/kw_[A-Za-z0-9]{54}/);
    expect(first.output()).not.toContain('password:');
    expect((await signInWithSso(first.base, { email: 'admin@default.local', password: adminPassword })).person.role).toBe('admin');
    const auth = await fetch(`${first.base}/v1/authentication`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: systemKey }),
    });
    expect(auth.status).toBe(200);
  }, 90_000);
});
