import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#local/dynamodb-local.ts';
import { createLocalServer } from '#local/server.ts';
import { newTenant } from '../support/api.ts';
import { cliRunner, type CliRun } from '../support/cli-process.ts';

const { configHome, run } = cliRunner('cli');
type Run = CliRun;

const server = createLocalServer();
let endpoint: string;
let systemKey: string;

async function ok(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const run = await cli(args, env);
  expect(run.code, `keyward ${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run;
}

/** Runs the CLI with the system key as KEYWARD_API_KEY unless `env` says otherwise. */
const cli = (args: string[], env: Record<string, string | undefined> = {}): Promise<Run> =>
  run(args, { KEYWARD_API_KEY: systemKey, ...env });

const json = async <T = any>(args: string[]): Promise<T> => JSON.parse((await ok([...args, '--json'])).stdout) as T;

/** `keyward login` with the system key: saves the token (and the endpoint) the commands after it use. */
const login = () => ok(['login', '--endpoint', endpoint]);

beforeAll(async () => {
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${port}`;
  systemKey = (await newTenant('cli-tenant')).apiKey;
});

afterAll(() => new Promise((done) => server.close(done)));

describe('keyward CLI', () => {
  it('logs in with KEYWARD_API_KEY and saves only a token, readable by the user alone', async () => {
    const run = await login();
    expect(run.stdout).toContain('Logged in to');
    expect(run.stdout).toContain("tenant 'cli-tenant'");
    const file = join(configHome, 'keyward/credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'keyward')).mode & 0o777).toBe(0o700);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(systemKey);
    expect(text).not.toContain(systemKey.slice(3, 19 + 32));
    const saved = JSON.parse(text);
    expect(saved).toEqual({ endpoint, token: expect.any(String), tokenExpiresAt: expect.any(String) });
    expect(Date.parse(saved.tokenExpiresAt) - Date.now()).toBeGreaterThan(3500_000);
  });

  it('refuses to log in without a key when not on a terminal', async () => {
    const run = await cli(['login', '--endpoint', endpoint], {
      KEYWARD_API_KEY: undefined,
      XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'keyward-cli-none-')),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('KEYWARD_API_KEY');
  });

  it('says who is logged in, using the saved token', async () => {
    await login();
    // No API key in the environment: only the saved token can answer.
    const run = await ok(['whoami'], { KEYWARD_API_KEY: undefined });
    expect(run.stdout).toContain('cli-tenant');
    expect(run.stdout).toContain('keys:admin');
    expect(run.stdout).toContain('keyward login');
    const body = await json(['whoami']);
    expect(body).toMatchObject({ tenant: 'cli-tenant', key: { type: 'system' } });
  });

  it('manages a key through its whole life', async () => {
    await login();
    const created = await ok([
      'keys',
      'create',
      '--name',
      'billing-sync',
      '--type',
      'privileged',
      '--scopes',
      'billing:read, billing:write',
      '--expires-in-days',
      '90',
    ]);
    expect(created.stdout).toMatch(/kw_[A-Za-z0-9]{54}/);
    expect(created.stdout).toContain('only time the full key is shown');
    expect(created.stdout).toContain('Key ID');

    const body = await json<{ key: { id: string; scopes: string[] }; apiKey: string }>([
      'keys',
      'create',
      '--name',
      'orders-bot',
      '--type',
      'viewer',
      '--description',
      'reads orders',
      '--recoverable',
    ]);
    const id = body.key.id;
    expect(body.apiKey).toMatch(/^kw_/);

    const table = await ok(['keys', 'list']);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+TYPE\s+STATUS\s+PREVIEW\s+CREATED\s+LAST USED\s+EXPIRES$/);
    const row = lines.find((line) => line.startsWith(id))!;
    expect(row).toMatch(/orders-bot\s+viewer\s+active\s+kw_/);
    expect(row).toMatch(/(now|seconds? ago)\s+never\s+never$/);
    expect(lines.find((line) => line.includes('billing-sync'))).toMatch(/never\s+in 3 months$/);
    // Aligned: the NAME column starts at the same place in the header and the rows.
    expect(row.indexOf('orders-bot')).toBe(lines[0]!.indexOf('NAME'));
    expect(table.stdout).toContain('billing-sync');
    expect(table.stdout).not.toMatch(/\x1b\[/);
    const listed = await json<{ items: { id: string }[]; nextCursor: string | null }>(['keys', 'list', '--search', 'orders']);
    expect(listed.items.map((key) => key.id)).toEqual([id]);
    const paged = await ok(['keys', 'list', '--limit', '1']);
    expect(paged.stdout).toContain('--cursor ');

    expect((await ok(['keys', 'get', id])).stdout).toMatch(/Name:\s+orders-bot/);
    expect(await json(['keys', 'get', id])).toMatchObject({ id, name: 'orders-bot', description: 'reads orders', recoverable: true });

    expect(await json(['keys', 'update', id, '--name', 'orders-bot-2', '--scopes', 'orders:read'])).toMatchObject({
      name: 'orders-bot-2',
      scopes: ['orders:read'],
    });
    expect((await ok(['keys', 'update', id, '--description', 'new'])).stdout).toContain('Updated key');

    expect((await ok(['keys', 'disable', id])).stdout).toContain('now disabled');
    expect(await json(['keys', 'enable', id])).toMatchObject({ status: 'active' });

    const regenerated = await ok(['keys', 'regenerate', id, '--grace-period', '60']);
    expect(regenerated.stdout).toMatch(/kw_[A-Za-z0-9]{54}/);
    expect(regenerated.stdout).toContain('60 seconds');

    expect(await json(['keys', 'reveal', id])).toEqual({ apiKey: expect.stringMatching(/^kw_/) });

    expect((await ok(['keys', 'revoke', id, '--reason', 'retired'])).stdout).toContain('Revoked key');
    expect(await json(['keys', 'get', id])).toMatchObject({ status: 'revoked' });

    const refused = await cli(['keys', 'delete', id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    expect((await ok(['keys', 'delete', id, '--yes'])).stdout).toContain(`Deleted key ${id}`);

    const audit = await ok(['audit', '--key-id', id]);
    for (const action of [
      'key.create',
      'key.update',
      'key.disable',
      'key.enable',
      'key.regenerate',
      'key.reveal',
      'key.revoke',
      'key.delete',
    ]) {
      expect(audit.stdout).toContain(action);
    }
    const events = await json<{ items: { action: string }[] }>(['audit', '--limit', '100']);
    expect(events.items.map((event) => event.action)).toContain('tenant.bootstrap');
  }, 90_000);

  it("fails with exit code 1 and the API's message", async () => {
    await login();
    const missing = await cli(['keys', 'get', 'AAAAAAAAAAAAAAAA']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('key.not_found');
    expect(missing.stderr).toMatch(/^keyward: \S.*\(key\.not_found\)\n$/);
    const invalid = await cli(['keys', 'create', '--name', 'x', '--type', 'viewer', '--scopes', 'Not A Scope']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('request.invalid');
    const badOption = await cli(['keys', 'create', '--name', 'x', '--type', 'system']);
    expect(badOption.code).not.toBe(0);
    expect(badOption.stderr).toContain('privileged, viewer');
  });

  it('uses KEYWARD_API_KEY directly when nobody logged in, and asks for a new login when the token expired', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'keyward-cli-ci-'));
    const direct = await ok(['whoami'], { XDG_CONFIG_HOME: fresh, KEYWARD_ENDPOINT: endpoint });
    expect(direct.stdout).toContain('KEYWARD_API_KEY');
    const none = await cli(['keys', 'list'], { XDG_CONFIG_HOME: fresh, KEYWARD_API_KEY: undefined });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('keyward login');

    const expiredHome = mkdtempSync(join(tmpdir(), 'keyward-cli-expired-'));
    await ok(['login', '--endpoint', endpoint], { XDG_CONFIG_HOME: expiredHome });
    const file = join(expiredHome, 'keyward/credentials.json');
    writeFileSync(
      file,
      JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), tokenExpiresAt: new Date(Date.now() - 1000).toISOString() }),
    );
    const expired = await cli(['keys', 'list'], { XDG_CONFIG_HOME: expiredHome });
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/expired.*keyward login/);
  });

  it('has --help for every command', async () => {
    const commands = [
      [],
      ['login'],
      ['whoami'],
      ['bootstrap'],
      ['audit'],
      ['keys'],
      ['policy'],
      ['policy', 'get'],
      ['policy', 'set'],
      ...['create', 'list', 'get', 'update', 'enable', 'disable', 'regenerate', 'revoke', 'revoke-all', 'delete', 'reveal'].map((name) => [
        'keys',
        name,
      ]),
    ];
    const runs = await Promise.all(commands.map((command) => cli([...command, '--help'])));
    runs.forEach((run, index) => {
      expect(run.code, commands[index]!.join(' ')).toBe(0);
      expect(run.stdout).toContain(`Usage: keyward ${commands[index]!.join(' ')}`.trimEnd());
      if (commands[index]!.length > 1 || ['login', 'whoami', 'bootstrap', 'audit'].includes(commands[index]![0]!))
        expect(run.stdout).toContain('--json');
    });
  }, 60_000);
});
