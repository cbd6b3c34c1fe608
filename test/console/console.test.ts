import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { freePort } from '#local/dynamodb-local.ts';
import { createLocalServer } from '#local/server.ts';
import { createKey, newTenant } from '../support/api.ts';

// The admin console in a real browser (Debian's Chromium), served by the local server,
// through the whole life of a key. Screenshots of the main pages go to test-results/console.
const root = resolve(import.meta.dirname, '../..');
const shots = resolve(root, 'test-results/console');
const server = createLocalServer();
let base: string;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];
const axeSource = readFileSync(resolve(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });
const shot = (name: string) => page.screenshot({ path: resolve(shots, `${name}.png`), fullPage: true });

/** Runs axe-core on the page (WCAG 2.0-2.2 A and AA rules) and expects no violations. */
async function axe(where: string) {
  // Evaluated rather than added as a script tag: the console's CSP rightly refuses inline scripts.
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as any).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n: any) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  expect(violations, `${where}:\n${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  // The console is built once for the run, by the global setup.
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
}, 60_000);

// Each test answers for the CSP violations of its own pages only.
beforeEach(() => {
  cspViolations.length = 0;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server.close(done));
});

async function signIn(apiKey: string) {
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the console signed out, whoever the browser was signed in as before. */
async function signedOut() {
  await page.goto(base);
  const signOut = page.getByRole('button', { name: 'Sign out' });
  await visible(signOut.or(page.getByRole('heading', { name: 'Sign in to Keyward' })));
  if (await signOut.count()) await signOut.click();
}

/** Signs out if signed in, then signs in with `apiKey`. */
async function signInAs(apiKey: string) {
  await signedOut();
  await signIn(apiKey);
  await visible(page.getByRole('heading', { name: 'API keys' }));
}

async function authenticate(apiKey: string): Promise<number> {
  const response = await fetch(`${base}/v1/authentication`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey }),
  });
  await response.body?.cancel();
  return response.status;
}

async function apiGet<T = any>(path: string, apiKey: string): Promise<T> {
  return (await (await fetch(`${base}${path}`, { headers: { 'x-api-key': apiKey } })).json()) as T;
}

describe('admin console', () => {
  it('is served with a strict CSP, and API paths keep their JSON errors', async () => {
    const index = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).not.toMatch(/<script>|<style|style=/);
    const deepLink = await fetch(`${base}/keys/anything`, { headers: { accept: 'text/html' } });
    expect(deepLink.headers.get('content-type')).toBe('text/html; charset=utf-8');
    for (const path of ['/v1/nothing', '/%2e%2e/package.json', '/assets/../../package.json', '/..%2f..%2fpackage.json']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe('route.not_found');
    }
  });

  it('walks a key through its whole life', async () => {
    const systemKey = (await newTenant('console-walk')).apiKey;
    await signedOut();
    await visible(page.getByRole('heading', { name: 'Sign in to Keyward' }));
    await shot('sign-in');

    // A wrong key: the API's message, next to the field.
    await signIn('kw_not_a_real_key');
    await visible(page.locator('.field-error'));
    expect(await page.locator('.field-error').textContent()).toMatch(/API key/);
    expect(await page.getByLabel('API key').getAttribute('aria-invalid')).toBe('true');

    await signIn(systemKey);
    await visible(page.getByRole('heading', { name: 'API keys' }));
    const stored = await page.evaluate<string>('JSON.stringify({ ...sessionStorage, ...localStorage })');
    expect(stored).toContain('token');
    expect(stored).not.toContain(systemKey);
    expect(stored).not.toContain(systemKey.slice(-20));
    await visible(page.getByRole('row').filter({ hasText: 'Protected' }));

    // Create: a validation error lands next to its field, then the secret is shown once.
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await visible(dialog);
    await dialog.getByLabel('Scopes').fill('Not A Scope');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await visible(dialog.getByRole('alert').first());
    expect(await dialog.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Name').fill('billing-sync');
    await dialog.getByLabel('Scopes').fill('orders:read, reports:write');
    await dialog.getByLabel('Description').fill('Nightly billing export');
    expect(await dialog.getByLabel('Expires').locator('option').allTextContents()).toEqual([
      'In 7 days',
      'In 30 days',
      'In 90 days',
      'On a date',
      'Never',
    ]);
    await dialog.getByLabel('Expires').selectOption('30');
    await dialog.getByLabel(/Recoverable/).check();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await visible(dialog.getByText('Copy the secret now.'));
    const apiKey = await dialog.getByLabel('API key', { exact: true }).inputValue();
    const keyId = await dialog.getByLabel('Key ID').inputValue();
    expect(apiKey).toMatch(/^kw_[A-Za-z0-9]+$/);
    expect(apiKey).toContain(keyId);
    // The full key has focus; a stray Escape asks before the secret is gone.
    const keyBox = dialog.getByLabel('API key', { exact: true });
    const focused = () => keyBox.evaluate((element) => element === (globalThis as any).document.activeElement);
    expect(await focused()).toBe(true);
    await page.keyboard.press('Escape');
    await visible(dialog.getByText('The secret will not be shown again. Close anyway?'));
    expect(await dialog.isVisible()).toBe(true);
    expect(await focused()).toBe(true);
    await shot('create-secret');
    await axe('secret panel, asking before it closes');
    await dialog.getByRole('button', { name: 'Keep it open' }).click();
    expect(await dialog.getByText('The secret will not be shown again. Close anyway?').isVisible()).toBe(false);
    await dialog.getByRole('button', { name: 'Copy as environment variable' }).click();
    await visible(dialog.getByText('Environment variable copied to the clipboard.'));
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`KEYWARD_API_KEY=${apiKey}`);
    await dialog.getByRole('button', { name: 'Copy API key' }).click();
    await visible(dialog.getByText('API key copied to the clipboard.'));
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(apiKey);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await visible(page.getByRole('link', { name: 'billing-sync' }));

    // Search by key id, filters, empty state.
    await page.getByLabel('Search by name or key').fill(keyId);
    await page.getByRole('button', { name: 'Search' }).click();
    await visible(page.getByRole('link', { name: 'billing-sync' }));
    expect(await page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Search by name or key').fill('no-such-key-anywhere');
    await page.getByRole('button', { name: 'Search' }).click();
    await visible(page.getByText('No keys match these filters.'));
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Type').selectOption('viewer');
    await visible(page.getByText('No keys match these filters.'));
    await page.getByLabel('Type').selectOption('privileged');
    await visible(page.getByRole('link', { name: 'billing-sync' }));
    await page.getByLabel('Type').selectOption('');
    await visible(page.getByRole('link', { name: 'Console system key' }).or(page.locator('tbody tr', { hasText: 'Protected' })));
    await shot('keys');

    // Detail: disable, enable, reveal, regenerate, revoke, delete.
    await page.getByRole('link', { name: 'billing-sync' }).click();
    await visible(page.getByRole('heading', { name: 'billing-sync', level: 1 }));
    const details = page.locator('dl.details');
    await visible(details.getByText('orders:read'));
    await visible(details.getByText('Nightly billing export'));
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('dialog', { name: 'Disable “billing-sync”?' }).getByRole('button', { name: 'Disable key' }).click();
    await visible(page.getByText('Key disabled.'));
    await visible(details.getByText('Disabled', { exact: true }));
    const refused = await fetch(`${base}/v1/authentication`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey }),
    });
    expect(((await refused.json()) as { code: string }).code).toBe('authentication.key_disabled');
    await page.getByRole('button', { name: 'Enable' }).click();
    await visible(page.getByText('Key enabled.'));
    await visible(details.getByText('Active', { exact: true }));

    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog');
    await edit.getByLabel('Scopes').fill('orders:read Not-A-Scope');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await visible(edit.locator('.field-error', { hasText: 'must be 1-64 characters' }));
    await edit.getByLabel('Scopes').fill('orders:read invoices:read');
    await edit.getByLabel('Description').fill('Nightly billing and invoice export');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await visible(page.getByText('Key updated.'));
    await visible(details.getByText('invoices:read'));
    await visible(details.getByText('Nightly billing and invoice export'));

    await page.getByRole('button', { name: 'Reveal secret' }).click();
    const reveal = page.getByRole('dialog');
    await reveal.getByRole('button', { name: 'Reveal' }).click();
    await visible(reveal.getByText('Secret revealed'));
    expect(await reveal.getByLabel('API key', { exact: true }).inputValue()).toBe(apiKey);
    await reveal.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Regenerate' }).click();
    const regenerate = page.getByRole('dialog');
    await regenerate.getByLabel('Grace period in minutes').fill('5');
    await regenerate.getByRole('button', { name: 'Regenerate' }).click();
    await visible(regenerate.getByText('Copy the secret now.'));
    const newKey = await regenerate.getByLabel('API key', { exact: true }).inputValue();
    expect(newKey).not.toBe(apiKey);
    expect(newKey).toContain(keyId);
    await regenerate.getByRole('button', { name: 'Done' }).click();
    await visible(page.getByText('Key regenerated; the old secret works for 5 more minutes.'));
    await visible(details.getByText('Old secret works until'));

    await page.getByRole('button', { name: 'Revoke' }).click();
    const revoke = page.getByRole('dialog');
    await revoke.getByLabel('Reason').fill('rotated out');
    await revoke.getByRole('button', { name: 'Revoke key' }).click();
    await visible(page.getByText('Key revoked.'));
    await visible(details.getByText('Revoked', { exact: true }));
    const history = page.getByRole('region', { name: 'Status history' });
    for (const action of ['key.create', 'key.disable', 'key.enable', 'key.reveal', 'key.regenerate', 'key.revoke']) {
      await visible(history.getByText(action, { exact: true }));
    }
    await shot('key-detail');

    await page.getByRole('button', { name: 'Delete' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete “billing-sync”?' });
    await remove.getByRole('button', { name: 'Delete key' }).click();
    await visible(page.getByText('Key “billing-sync” deleted.'));
    await visible(page.locator('tbody tr', { hasText: 'Protected' }));
    expect(await page.getByRole('link', { name: 'billing-sync' }).count()).toBe(0);

    // The system key is Protected: no disable, revoke or delete.
    await page.locator('tbody tr', { hasText: 'Protected' }).getByRole('link').click();
    await visible(page.getByText('This is the tenant’s system key'));
    expect(await page.getByRole('button', { name: /^(Delete|Revoke|Disable)$/ }).count()).toBe(0);

    // Audit log.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await visible(page.getByRole('heading', { name: 'Audit log' }));
    await visible(page.getByRole('cell', { name: 'key.delete' }));
    await visible(page.getByRole('cell', { name: 'authentication.failure' }).first());
    await shot('audit');

    // Sign out, then a token that expires while signed in.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByText('You signed out.'));
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await signIn(systemKey);
    await visible(page.getByRole('heading', { name: 'API keys' }));
    const expired = JSON.stringify({ code: 'auth.token_expired', message: 'The token has expired; get a new one.', requestId: 'x' });
    await page.route('**/v1/audit*', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: expired }));
    try {
      await page.getByRole('link', { name: 'Audit log' }).click();
      await visible(page.getByText('Your session expired. Sign in again.'));
      await visible(page.getByRole('heading', { name: 'Sign in to Keyward' }));
    } finally {
      // The audit log answers again for whatever runs next.
      await page.unroute('**/v1/audit*');
    }

    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('sets usage controls on a key, and shows the live window and credits', async () => {
    const systemKey = (await newTenant('console-usage-controls')).apiKey;
    await signInAs(systemKey);

    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.getByLabel('Name').fill('metered-api');
    // A value the API refuses: its message lands next to its own field.
    await dialog.getByLabel('Owner').fill('has space');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await visible(dialog.locator('.field-error', { hasText: 'must be 1-128 characters' }));
    expect(await dialog.getByLabel('Owner').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Owner').fill('customer-42');
    await dialog.getByLabel('Meta').fill('plan=pro\nseats=5\nzip="02134"');
    await dialog.getByLabel('Preset').selectOption({ label: '100 per minute' });
    expect(await dialog.getByLabel('Uses per window').inputValue()).toBe('100');
    expect(await dialog.getByLabel('Window in seconds').inputValue()).toBe('60');
    await dialog.getByLabel('Credits left').fill('1000');
    await dialog.getByLabel('Refill to').fill('1000');
    await dialog.getByLabel('Refill', { exact: true }).selectOption('monthly');
    await dialog.getByLabel('Allowed IPs').fill('127.0.0.1\n::1');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await visible(dialog.getByText('Copy the secret now.'));
    const apiKey = await dialog.getByLabel('API key', { exact: true }).inputValue();
    const keyId = await dialog.getByLabel('Key ID').inputValue();
    await dialog.getByRole('button', { name: 'Done' }).click();
    expect(await apiGet(`/v1/keys/${keyId}`, systemKey)).toMatchObject({
      ownerId: 'customer-42',
      meta: { plan: 'pro', seats: 5, zip: '02134' },
      rateLimit: { limit: 100, windowSeconds: 60 },
      credits: { refill: { amount: 1000, interval: 'monthly' } },
      allowedIps: ['127.0.0.1/32', '::1/128'],
    });

    for (let i = 0; i < 3; i++) expect(await authenticate(apiKey)).toBe(200);
    await page.getByRole('link', { name: 'metered-api' }).click();
    await visible(page.getByRole('heading', { name: 'metered-api', level: 1 }));
    const details = page.locator('dl.details');
    await visible(details.getByText('customer-42'));
    await visible(details.getByText('seats'));
    // The window is aligned to the minute: a test that straddles it sees a fresh one.
    await visible(details.getByText(/^\d+ of 100 left, resets in \d+ s/));
    await visible(details.getByText('(100 per minute)'));
    await visible(details.getByText('997 left, refilled to 1,000 every month (the 1st, 00:00 UTC)'));
    await visible(details.getByText('127.0.0.1/32'));
    const first = await details.locator('.rate-window').textContent();
    await page.waitForTimeout(1500);
    expect(await details.locator('.rate-window').textContent()).not.toBe(first);
    await shot('key-usage');
    expect(await authenticate(apiKey)).toBe(200);
    await details.getByRole('button', { name: 'Refresh' }).click();
    await visible(details.getByText('996 left, refilled to 1,000 every month (the 1st, 00:00 UTC)'));

    // Edit: a bad address is named next to the field; saving sends only what changed.
    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog');
    expect(await edit.getByLabel('Preset').inputValue()).toBe('100/60');
    expect(await edit.getByLabel('Credits left').inputValue()).toBe('996');
    await edit.getByLabel('Owner').fill('');
    await edit.getByLabel('Preset').selectOption({ label: '1,000 per hour' });
    await edit.getByLabel('Allowed IPs').fill('127.0.0.0/8\n300.1.1.1');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await visible(edit.locator('.field-error', { hasText: '“300.1.1.1”: must be an IPv4 or IPv6 address' }));
    await edit.getByLabel('Allowed IPs').fill('127.0.0.0/8\n::1');
    // A use while the dialog is open is kept: unchanged credits are not sent back.
    expect(await authenticate(apiKey)).toBe(200);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await visible(page.getByText('Key updated.'));
    await visible(details.getByText('(1,000 per hour)'));
    await visible(details.getByText('995 left, refilled to 1,000 every month (the 1st, 00:00 UTC)'));
    expect(await apiGet(`/v1/keys/${keyId}`, systemKey)).toMatchObject({
      ownerId: null,
      rateLimit: { limit: 1000, windowSeconds: 3600 },
      credits: { remaining: 995 },
      allowedIps: ['127.0.0.0/8', '::1/128'],
    });

    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('dialog').getByLabel('Preset').selectOption({ label: 'No rate limit' });
    await page.getByRole('dialog').getByLabel('Credits left').fill('');
    await page.getByRole('dialog').getByLabel('Refill to').fill('');
    await page.getByRole('dialog').getByRole('button', { name: 'Save changes' }).click();
    await visible(page.getByText('Key updated.'));
    await visible(details.getByText('Unlimited'));
    expect(await apiGet(`/v1/keys/${keyId}`, systemKey)).toMatchObject({ rateLimit: null, credits: null, meta: { plan: 'pro' } });
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('edits the tenant policy as admin, and shows it read-only to others', async () => {
    const systemKey = (await newTenant('console-policy')).apiKey;
    const viewer = await createKey(systemKey, { name: 'read-only viewer', type: 'viewer' });
    await signInAs(systemKey);
    await page.getByRole('link', { name: 'Policy', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Tenant policy' }));
    const form = page.getByRole('form', { name: 'Tenant policy' });
    expect(await form.getByLabel('Longest grace period in seconds').inputValue()).toBe('604800');
    await form.getByLabel('Longest key lifetime in days').fill('365');
    await form.getByLabel('Longest grace period in seconds').fill('86400');
    await form.getByLabel('Allowed IPs for every key').fill('127.0.0.0/8\nnowhere');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await visible(form.locator('.field-error', { hasText: '“nowhere”' }));
    expect(await form.getByLabel('Allowed IPs for every key').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Allowed IPs for every key').fill('127.0.0.0/8\n::1');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await visible(page.getByText('Policy saved.'));
    expect(await form.getByLabel('Allowed IPs for every key').inputValue()).toBe('127.0.0.0/8\n::1/128');
    expect(await apiGet('/v1/tenant/policy', systemKey)).toEqual({
      maxLifetimeDays: 365,
      requireExpiry: false,
      maxGracePeriodSeconds: 86_400,
      allowedIps: ['127.0.0.0/8', '::1/128'],
      systemKey: 'enabled',
      personTokenSeconds: 900,
      onLeak: 'revoke',
    });
    await visible(page.getByRole('button', { name: 'Revoke keys…' }));
    await shot('policy');

    await signInAs(viewer.apiKey);
    await page.getByRole('link', { name: 'Policy', exact: true }).click();
    await visible(page.getByText('shown read-only'));
    expect(await form.getByLabel('Longest key lifetime in days').inputValue()).toBe('365');
    for (const label of [
      'Longest key lifetime in days',
      'Every new key must have an expiry',
      'Longest grace period in seconds',
      'Allowed IPs for every key',
    ]) {
      expect(await form.getByLabel(label).isDisabled(), label).toBe(true);
    }
    expect(await page.getByRole('button', { name: /Save policy|Revoke keys/ }).count()).toBe(0);
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('revokes keys in bulk only after the tenant id is typed exactly', async () => {
    const admin = (await newTenant('console-revoke')).apiKey;
    const contractor = await Promise.all([1, 2].map((n) => createKey(admin, { name: `contractor ${n}`, ownerId: 'contractor' })));
    const employee = await createKey(admin, { name: 'employee', ownerId: 'employee' });
    await signInAs(admin);
    await page.getByRole('link', { name: 'Policy', exact: true }).click();
    await page.getByRole('button', { name: 'Revoke keys…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke keys in bulk?' });
    const confirm = dialog.getByRole('button', { name: 'Revoke keys' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Reason').fill('contract ended');
    await dialog.getByLabel('Only keys of this owner').fill('contractor');
    await dialog.getByLabel('Type the tenant id, console-revoke, to confirm').fill('console-revok');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type the tenant id, console-revoke, to confirm').fill('Console-Revoke');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type the tenant id, console-revoke, to confirm').fill('console-revoke');
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    await visible(page.getByText('Revoked 2 keys.'));
    for (const { key } of contractor) expect(await apiGet(`/v1/keys/${key.id}`, admin)).toMatchObject({ status: 'revoked' });
    expect(await apiGet(`/v1/keys/${employee.key.id}`, admin)).toMatchObject({ status: 'active' });
    expect(await authenticate(admin)).toBe(200);
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('shows a leaked key: a badge on its page, and the Leaks view of key.leaked events', async () => {
    const admin = (await newTenant('console-leaks')).apiKey;
    const leaked = await createKey(admin, { name: 'pasted in a gist' });
    const reported = await fetch(`${base}/v1/keys/report-leak`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: leaked.apiKey, source: 'public gist', url: 'https://gist.example.com/x' }),
    });
    expect(reported.status).toBe(202);
    await signInAs(admin);
    await page.getByRole('link', { name: 'Leaks' }).click();
    await visible(page.getByRole('heading', { name: 'Leaks' }));
    const row = page.getByRole('row').filter({ hasText: 'key.leaked' });
    await visible(row);
    await expect(row.getByText('public gist').count()).resolves.toBeGreaterThan(0);
    await row.getByRole('link', { name: 'pasted in a gist' }).click();
    await visible(page.getByText('Leaked', { exact: true }));
    await visible(page.getByText('Revoked', { exact: true }));
    await axe('a leaked key');
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('charts usage, flags keys expiring soon, keeps filters in the URL, and passes axe at desktop and phone sizes', async () => {
    const admin = (await newTenant('console-usage')).apiKey;
    const soon = await createKey(admin, { name: 'expiring-soon', expiresInDays: 3, ownerId: 'team-a' });
    await createKey(admin, { name: 'quiet-key', type: 'viewer', scopes: ['reports:read'] });
    for (let i = 0; i < 4; i++) expect(await authenticate(soon.apiKey)).toBe(200);

    await page.goto(base);
    await visible(page.getByRole('button', { name: 'Sign out' }).or(page.getByRole('heading', { name: 'Sign in to Keyward' })));
    if (await page.getByRole('button', { name: 'Sign out' }).count()) await page.getByRole('button', { name: 'Sign out' }).click();
    await axe('sign-in, desktop');
    await signIn(admin);
    await visible(page.getByRole('heading', { name: 'API keys' }));
    const soonRow = page.locator('tbody tr', { hasText: 'expiring-soon' });
    await visible(soonRow.getByText('Expires soon'));
    expect(await soonRow.locator('time').last().getAttribute('title')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(await soonRow.locator('time').last().textContent()).toMatch(/^in \d+ days$/);
    await axe('keys list, desktop');
    await page.getByRole('button', { name: 'Create key' }).click();
    await visible(page.getByRole('dialog', { name: 'Create an API key' }));
    // Expiry presets follow the tenant policy; scopes already in use are suggested.
    const put = await fetch(`${base}/v1/tenant/policy`, {
      method: 'PUT',
      headers: { 'x-api-key': admin, 'content-type': 'application/json' },
      body: JSON.stringify({ maxLifetimeDays: 60, requireExpiry: true, maxGracePeriodSeconds: 604_800, allowedIps: null }),
    });
    expect(put.status).toBe(200);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('dialog').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Create key' }).click();
    const create = page.getByRole('dialog', { name: 'Create an API key' });
    await visible(create.getByText(/The tenant policy says every key must expire and keys may live at most 60 days/));
    const expires = create.getByLabel('Expires');
    expect(await expires.locator('option[value="never"]').isDisabled()).toBe(true);
    expect(await expires.locator('option[value="90"]').isDisabled()).toBe(true);
    expect(await expires.locator('option[value="30"]').isDisabled()).toBe(false);
    expect(await expires.inputValue()).toBe('30');
    await expires.selectOption('date');
    await visible(create.getByLabel('Expiry date'));
    expect(await create.locator('datalist option[value="reports:read"]').count()).toBe(1);
    await axe('create dialog, desktop');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('dialog').waitFor({ state: 'detached' });

    // Filters live in the address: a reload restores them.
    await page.getByLabel('Owner').fill('team-a');
    await page.getByRole('button', { name: 'Search' }).click();
    await visible(page.locator('tbody tr', { hasText: 'expiring-soon' }));
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(page.url()).toContain('owner=team-a');
    await page.reload();
    await visible(page.locator('tbody tr', { hasText: 'expiring-soon' }));
    expect(await page.getByLabel('Owner').inputValue()).toBe('team-a');
    expect(await page.locator('tbody tr').count()).toBe(1);

    // Key detail: the chart, its table and its summary.
    await page.getByRole('link', { name: 'expiring-soon' }).click();
    await visible(page.getByRole('heading', { name: 'expiring-soon', level: 1 }));
    await visible(page.getByText(/This key expires in \d+ days/));
    await visible(page.getByText('4 valid uses in the last 24 hours.'));
    expect(await page.locator('svg.chart rect.bar-valid').count()).toBeGreaterThan(0);
    await page.getByText('Show the numbers as a table').click();
    const table = page.getByRole('table', { name: /Uses of expiring-soon, last 24 hours, per hour/ });
    await visible(table);
    expect(await table.locator('tbody tr').count()).toBe(24);
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await visible(page.getByText('4 valid uses in the last 7 days.'));
    expect(await page.locator('table.usage-table', { hasText: 'last 7 days, per day' }).locator('tbody tr').count()).toBe(7);
    await page.getByRole('button', { name: 'Last 24 hours' }).click();
    await visible(page.getByText('4 valid uses in the last 24 hours.'));
    await shot('key-detail');
    await axe('key detail, desktop');

    // Tenant usage: totals and the top keys, linking to their detail.
    await page.getByRole('link', { name: 'Usage', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Usage', level: 1 }));
    await visible(page.getByText(/^\d+ valid uses?.* in the last 24 hours\.$/));
    const top = page.getByRole('table', { name: 'The 10 keys with the most valid uses' });
    await visible(top.getByRole('link', { name: 'expiring-soon' }));
    await shot('usage');
    await axe('usage, desktop');

    // Audit: the action filter is in the address too; ids show as names.
    await page.goto(`${base}/#/audit?action=key.create`);
    await visible(page.getByRole('heading', { name: 'Audit log' }));
    await visible(page.getByRole('table', { name: 'key.create events, newest first' }));
    expect(await page.getByLabel('Action').inputValue()).toBe('key.create');
    expect(await page.locator('tbody tr').count()).toBe(2);
    await visible(page.locator('tbody').getByRole('link', { name: 'quiet-key' }));
    await axe('audit, desktop');
    await page.getByRole('link', { name: 'Policy', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Tenant policy' }));
    await axe('policy, desktop');

    // Phone: nothing scrolls sideways, tables stack, and the same pages pass axe.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, path, heading] of [
      ['keys list', '#/keys', 'API keys'],
      ['key detail', `#/keys/${soon.key.id}`, 'expiring-soon'],
      ['usage', '#/usage', 'Usage'],
      ['audit', '#/audit', 'Audit log'],
      ['policy', '#/policy', 'Tenant policy'],
    ] as const) {
      await page.goto(`${base}/${path}`);
      await visible(page.getByRole('heading', { name: heading, level: 1 }));
      await page
        .locator('[aria-busy]')
        .first()
        .waitFor({ state: 'detached', timeout: 10_000 })
        .catch(() => undefined);
      if (name === 'keys list') {
        await visible(page.locator('tbody tr', { hasText: 'expiring-soon' }));
        expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
        await shot('keys-phone');
        await page.getByRole('button', { name: 'Create key' }).click();
        await visible(page.getByRole('dialog', { name: 'Create an API key' }));
        await axe('create dialog, phone');
        await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
        await page.locator('dialog').waitFor({ state: 'detached' });
      }
      expect(await page.evaluate('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(390);
      await axe(`${name}, phone`);
    }
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByRole('heading', { name: 'Sign in to Keyward' }));
    await axe('sign-in, phone');
    await page.setViewportSize({ width: 1280, height: 860 });

    // config.json is part of the build, so a local start asks for nothing that 404s.
    expect((await fetch(`${base}/config.json`)).status).toBe(200);
    expect(cspViolations).toEqual([]);
  }, 90_000);
});
