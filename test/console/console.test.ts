import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { freePort } from '#local/dynamodb-local.ts';
import { createLocalServer } from '#local/server.ts';
import { newTenant } from '../support/api.ts';

// The admin console in a real browser (Debian's Chromium), served by the local server,
// through the whole life of a key. Screenshots of the main pages go to test-results/console.
const root = resolve(import.meta.dirname, '../..');
const shots = resolve(root, 'test-results/console');
const server = createLocalServer();
let base: string;
let browser: Browser;
let page: Page;
let systemKey: string;
const cspViolations: string[] = [];

const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 10_000 });
const shot = (name: string) => page.screenshot({ path: resolve(shots, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const [, tenant, port] = await Promise.all([
    build({ configFile: resolve(root, 'console/vite.config.ts'), logLevel: 'warn' }),
    newTenant('console'),
    freePort(),
  ]);
  systemKey = tenant.apiKey;
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => server.close(done));
});

async function signIn(apiKey: string) {
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
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
    await page.goto(base);
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
    await dialog.getByLabel('Lifetime in days').fill('30');
    await dialog.getByLabel(/Recoverable/).check();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await visible(dialog.getByText('Copy the secret now.'));
    const apiKey = await dialog.getByLabel('API key', { exact: true }).inputValue();
    const keyId = await dialog.getByLabel('Key ID').inputValue();
    expect(apiKey).toMatch(/^kw_[A-Za-z0-9]+$/);
    expect(apiKey).toContain(keyId);
    await shot('create-secret');
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
    await visible(page.getByText('Key disabled.'));
    await visible(details.getByText('Disabled', { exact: true }));
    const refused = await fetch(`${base}/v1/authentication`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey }) });
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
    await page.route('**/v1/audit*', (route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ code: 'auth.token_expired', message: 'The token has expired; get a new one.', requestId: 'x' }) }));
    await page.getByRole('link', { name: 'Audit log' }).click();
    await visible(page.getByText('Your session expired. Sign in again with your API key.'));
    await visible(page.getByRole('heading', { name: 'Sign in to Keyward' }));

    expect(cspViolations).toEqual([]);
  }, 60_000);
});
