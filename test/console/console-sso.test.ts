import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { freePort } from '#local/dynamodb-local.ts';

// People in the console, in a real browser (Debian's Chromium), against `npm start`'s own
// processes in a fresh folder: its OpenID Provider and login page, the seeded admin it prints,
// `keyward people add` for the others, and the operator's way back for a disabled system key.
const root = resolve(import.meta.dirname, '../..');
const shots = resolve(root, 'test-results/console');
const workDir = mkdtempSync(join(tmpdir(), 'keyward-console-sso-'));
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARD_') && !name.startsWith('POWERTOOLS_')),
);
const axeSource = readFileSync(resolve(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

let child: ChildProcess;
let output = '';
let base: string;
let browser: Browser;
let systemKey: string;
let adminPassword: string;
/** The admin's browser, signed in once and kept. */
let admin: Page;

const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 15_000 });

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [join(root, 'cli/keyward.ts'), ...args], { cwd: workDir, env, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

const addPerson = (email: string, role: string) =>
  JSON.parse(cli('people', 'add', '--email', email, '--tenant', 'default', '--role', role, '--json')) as {
    email: string;
    password: string;
    personId: string;
  };

async function axe(page: Page, where: string) {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as any).axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v: any) => `${v.id}: ${v.help}`);
  });
  expect(violations, where).toEqual([]);
}

/** A new browser (no cookies, no session) signed in with SSO as `email`: the provider's login page, then the console. */
async function signInWithSso(email: string, password: string, check?: (page: Page) => Promise<void>): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  await page.goto(base);
  await page.getByRole('button', { name: 'Sign in with SSO (Local sign-in)' }).click();
  await visible(page.getByLabel('E-mail'));
  await check?.(page);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByText(`Signed in as ${email}`));
  return page;
}

/** The status of an authentication with the tenant's system key. */
async function systemKeyStatus(): Promise<number> {
  const response = await fetch(`${base}/v1/authentication`, {
    method: 'POST',
    body: JSON.stringify({ apiKey: systemKey }),
    headers: { 'content-type': 'application/json' },
  });
  await response.body?.cancel();
  return response.status;
}

async function apiKeySignIn(page: Page, apiKey: string) {
  await page.goto(base);
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [join(root, 'local/start.ts')], {
    cwd: workDir,
    env: { ...env, PORT: String(port), IDP_PORT: String(await freePort()) },
    stdio: 'pipe',
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Keyward is serving')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  systemKey = /kw_[A-Za-z0-9]{54}/.exec(output)![0];
  adminPassword = /password: {2}(\S+)/.exec(output)![1]!;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu'] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
});

describe('people in the console', () => {
  it('signs the printed admin in with SSO on the local provider; a key they create names them in the audit log', async () => {
    admin = await signInWithSso('admin@default.local', adminPassword, async (page) => {
      await axe(page, "the local provider's login page");
      await page.screenshot({ path: resolve(shots, 'sso-login.png') });
    });
    await expect(admin.getByText('Signed in as admin@default.local (admin) · tenant default').count()).resolves.toBe(1);
    expect(new URL(admin.url()).search).toBe('');
    await admin.getByRole('button', { name: 'Create key' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Name').fill('made by the admin');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await visible(dialog.getByText('Key “made by the admin” created'));
    await dialog.getByRole('button', { name: 'Done' }).click();

    await admin.getByRole('link', { name: 'Audit log' }).click();
    const row = admin.getByRole('row').filter({ hasText: 'key.create' }).first();
    await visible(row);
    await expect(row.getByText('admin@default.local').count()).resolves.toBe(1);
    await axe(admin, 'the audit log of a person');
  }, 60_000);

  it('lands a creator on My keys: only their own keys, and only client keys to create', async () => {
    const cleo = addPerson('cleo@example.com', 'creator');
    const page = await signInWithSso(cleo.email, cleo.password);
    await visible(page.getByRole('heading', { name: 'My keys' }));
    await expect(page.getByRole('link', { name: 'My keys' }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: 'People' }).count()).resolves.toBe(0);
    await visible(page.getByText('No keys', { exact: false }));
    await expect(page.getByText('made by the admin').count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('radio').count()).resolves.toBe(1);
    await expect(dialog.getByRole('radio', { name: /Client/ }).isChecked()).resolves.toBe(true);
    await dialog.getByLabel('Name').fill('cleo integration');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await visible(dialog.getByText('Key “cleo integration” created'));
    await dialog.getByRole('button', { name: 'Done' }).click();
    await visible(page.getByRole('link', { name: 'cleo integration' }));
    await page.screenshot({ path: resolve(shots, 'sso-my-keys.png'), fullPage: true });

    const keys = (await (await fetch(`${base}/v1/keys?search=cleo`, { headers: { 'x-api-key': systemKey } })).json()) as {
      items: { type: string; ownerId: string; createdBy: string }[];
    };
    expect(keys.items).toEqual([expect.objectContaining({ type: 'client', ownerId: cleo.personId, createdBy: cleo.personId })]);

    // The admin signs Cleo out; her next call is refused and the console says why.
    await admin.getByRole('link', { name: 'People' }).click();
    await admin.getByRole('button', { name: 'Sign out cleo@example.com' }).click();
    await visible(admin.getByText('Signed out cleo@example.com'));
    await axe(admin, 'the people page');
    await admin.screenshot({ path: resolve(shots, 'sso-people.png'), fullPage: true });
    await page.getByRole('link', { name: 'Usage' }).click();
    await visible(page.getByRole('heading', { name: 'Sign in to Keyward' }));
    await visible(page.getByText(/an admin of your tenant signed you out/));
  }, 90_000);

  it('gives a viewer nothing to create', async () => {
    const vera = addPerson('vera@example.com', 'viewer');
    const page = await signInWithSso(vera.email, vera.password);
    await visible(page.getByRole('heading', { name: 'API keys' }));
    await visible(page.getByText('Read-only: your role (viewer)'));
    await expect(page.getByRole('button', { name: 'Create key' }).count()).resolves.toBe(0);
  }, 60_000);

  it('keeps the API-key sign-in, and a disabled system key is refused until the operator turns it back on', async () => {
    const page = await (await browser.newContext()).newPage();
    await apiKeySignIn(page, systemKey);
    await visible(page.getByRole('heading', { name: 'API keys' }));
    await page.getByRole('button', { name: 'Sign out' }).click();

    await admin.getByRole('link', { name: 'Policy' }).click();
    await admin.getByLabel('System key').selectOption('disabled');
    await admin.getByRole('button', { name: 'Save policy' }).click();
    await visible(admin.getByText('Policy saved.'));

    // A warm function sees a policy change within its cache time (10 s).
    await expect.poll(systemKeyStatus, { timeout: 20_000, interval: 1000 }).toBe(403);
    await apiKeySignIn(page, systemKey);
    await visible(page.getByText(/turns its system key off/));

    cli('policy', 'set', '--tenant', 'default', '--system-key', 'enabled');
    await expect.poll(systemKeyStatus, { timeout: 20_000, interval: 1000 }).toBe(200);
    await apiKeySignIn(page, systemKey);
    await visible(page.getByRole('heading', { name: 'API keys' }));
  }, 90_000);
});
