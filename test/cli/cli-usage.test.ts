import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#local/dynamodb-local.ts';
import { createLocalServer } from '#local/server.ts';
import { durationText, usageDetails, windowText, type KeyView } from '../../cli/output.ts';
import { metaText, metaValue } from '#shared/client/meta-text.ts';
import { newTenant } from '../support/api.ts';
import { cliRunner, type CliRun } from '../support/cli-process.ts';

// The CLI's usage controls, tenant policy and revoke-all, run as a process against the local server.

const { run } = cliRunner('cli-usage');
type Run = CliRun;

const server = createLocalServer();
let endpoint: string;
let systemKey: string;

/** Runs the CLI, not on a terminal, with the system key as KEYWARD_API_KEY. */
const cli = (args: string[]): Promise<Run> => run(args, { KEYWARD_API_KEY: systemKey, KEYWARD_ENDPOINT: endpoint });

async function ok(args: string[]): Promise<Run> {
  const run = await cli(args);
  expect(run.code, `keyward ${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run;
}

async function fails(args: string[], message: string | RegExp): Promise<Run> {
  const run = await cli(args);
  expect(run.code, `keyward ${args.join(' ')} should fail`).not.toBe(0);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(message);
  return run;
}

const json = async <T = any>(args: string[]): Promise<T> => JSON.parse((await ok([...args, '--json'])).stdout) as T;

async function authenticate(apiKey: string): Promise<number> {
  const response = await fetch(`${endpoint}/v1/authentication`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey }),
  });
  await response.body?.cancel();
  return response.status;
}

beforeAll(async () => {
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${port}`;
  systemKey = (await newTenant('cli-usage')).apiKey;
});

afterAll(() => new Promise((done) => server.close(done)));

describe('keys create, get and update with usage controls', () => {
  it('takes every usage option, shows the live window and credits, and removes each control with --no-…', async () => {
    const created = await json<{ key: KeyView; apiKey: string }>([
      'keys',
      'create',
      '--name',
      'metered',
      '--type',
      'viewer',
      '--owner',
      'customer-42',
      '--meta',
      'plan=pro',
      '--meta',
      'seats=5',
      '--meta',
      'beta=true',
      '--meta',
      'note=null',
      '--meta',
      'zip="02134"',
      '--meta',
      'code="5"',
      '--meta',
      'motto=a=b c',
      '--rate-limit',
      '100/1m',
      '--credits',
      '1000',
      '--refill',
      '1000/monthly',
      '--allowed-ips',
      '127.0.0.1, 10.0.0.0/8,::1',
    ]);
    const id = created.key.id;
    expect(created.key).toMatchObject({
      ownerId: 'customer-42',
      meta: { plan: 'pro', seats: 5, beta: true, note: null, zip: '02134', code: '5', motto: 'a=b c' },
      rateLimit: { limit: 100, windowSeconds: 60, remaining: 100 },
      credits: { remaining: 1000, refill: { amount: 1000, interval: 'monthly' } },
      allowedIps: ['127.0.0.1/32', '10.0.0.0/8', '::1/128'],
    });

    // Windows start at every whole minute: one that begins between the use and the view is a fresh one.
    const minute = () => Math.floor(Date.now() / 60_000);
    const usedIn = minute();
    expect(await authenticate(created.apiKey)).toBe(200);
    const shown = (await ok(['keys', 'get', id])).stdout;
    const sameWindow = minute() === usedIn;
    expect(shown).toMatch(/^Owner:\s+customer-42$/m);
    // Sorted by name; text that --meta would read as a number is quoted, so it can be typed back as shown.
    expect(shown).toMatch(/^Meta:\s+beta=true, code="5", motto=a=b c, note=null, plan=pro, seats=5, zip=02134$/m);
    if (sameWindow) expect(shown).toMatch(/^Rate limit:\s+99 of 100 left in this window, resets in (\d+ s|1 min) \(100\/1m\)$/m);
    else expect(shown).toMatch(/^Rate limit:\s+100 of 100 left in this window, resets in (\d+ s|1 min) \(100\/1m\)$/m);
    expect(shown).toMatch(/^Credits:\s+999 left, refilled to 1,000 monthly$/m);
    expect(shown).toMatch(/^Allowed IPs:\s+127\.0\.0\.1\/32, 10\.0\.0\.0\/8, ::1\/128$/m);
    // Every line is one label and its value, as before.
    for (const line of shown.split('\n').filter(Boolean)) expect(line).toMatch(/^[A-Z][A-Za-z ]*:\s/);

    const changed = await json<KeyView>([
      'keys',
      'update',
      id,
      '--owner',
      'customer-43',
      '--meta',
      'plan=team',
      '--rate-limit',
      '5/30s',
      '--credits',
      '10',
      '--allowed-ips',
      '127.0.0.0/8,::1',
    ]);
    expect(changed).toMatchObject({
      ownerId: 'customer-43',
      meta: { plan: 'team' },
      rateLimit: { limit: 5, windowSeconds: 30 },
      credits: { remaining: 10 },
      allowedIps: ['127.0.0.0/8', '::1/128'],
    });
    // Credits are set whole: without --refill the refill is gone.
    expect(changed.credits).not.toHaveProperty('refill');
    expect(await json<KeyView>(['keys', 'update', id, '--rate-limit', '100/1d'])).toMatchObject({
      rateLimit: { limit: 100, windowSeconds: 86_400 },
      ownerId: 'customer-43',
    });

    const cleared = await ok(['keys', 'update', id, '--no-owner', '--no-meta', '--no-rate-limit', '--no-credits', '--no-allowed-ips']);
    expect(cleared.stdout).toContain(`Updated key ${id}.`);
    expect(cleared.stdout).toMatch(/^Owner:\s+-$/m);
    expect(cleared.stdout).toMatch(/^Rate limit:\s+none$/m);
    expect(cleared.stdout).toMatch(/^Credits:\s+unlimited$/m);
    expect(cleared.stdout).toMatch(/^Allowed IPs:\s+any$/m);
    expect(await json(['keys', 'get', id])).toMatchObject({ ownerId: null, meta: null, rateLimit: null, credits: null, allowedIps: null });
  }, 60_000);

  it('refuses a malformed --rate-limit, --meta or --refill with a clear message, and shows the API verdict on the rest', async () => {
    const create = ['keys', 'create', '--name', 'x', '--type', 'viewer'];
    for (const bad of ['100', '100/60', '100/60x', 'abc', '/1m', '100/1w'])
      await fails([...create, '--rate-limit', bad], /not a rate limit: write uses\/window .* 100\/60s, 100\/1m, 1000\/1h, 10000\/1d/);
    await fails([...create, '--rate-limit', '0/1m'], 'the number of uses must be from 1 to 1000000');
    await fails([...create, '--rate-limit', '10/2d'], 'the window must be from 1s to 1d');
    await fails([...create, '--meta', 'novalue'], 'write key=value');
    await fails([...create, '--meta', '=x'], 'write key=value');
    await fails([...create, '--credits', '10', '--refill', '10/weekly'], '1000/monthly or 50/daily');
    await fails([...create, '--refill', '10/daily'], '--refill needs --credits');
    await fails([...create, '--credits', '-1'], '--credits must be a whole number');
    // What the CLI passes on, the API judges, next to the field.
    const refused = await fails([...create, '--owner', 'has space'], /ownerId.*\(request\.invalid\)/);
    expect(refused.stderr).toMatch(/^keyward: /);
    await fails([...create, '--allowed-ips', '300.1.1.1'], /allowedIps.*\(request\.invalid\)/);
    await fails(['keys', 'update', 'AAAAAAAAAAAAAAAA'], 'Nothing to update');
  });
});

describe('keys list --owner', () => {
  it('lists only the keys of one owner, and keeps the filter in the next-page command', async () => {
    const alice = await Promise.all(
      [1, 2].map((n) =>
        json<{ key: KeyView }>(['keys', 'create', '--name', `alice ${n}`, '--type', 'viewer', '--owner', 'alice@example.com']),
      ),
    );
    await json(['keys', 'create', '--name', 'bob', '--type', 'viewer', '--owner', 'bob']);
    const listed = await json<{ items: KeyView[] }>(['keys', 'list', '--owner', 'alice@example.com']);
    expect(listed.items.map((key) => key.id).sort()).toEqual(alice.map(({ key }) => key.id).sort());
    const paged = await ok(['keys', 'list', '--owner', 'alice@example.com', '--limit', '1']);
    expect(paged.stdout).toMatch(/More keys: keyward keys list --owner alice@example\.com --limit 1 --cursor \S+/);
  });
});

describe('policy get and set', () => {
  it('prints the policy, changes only the given rules (writing the rest back as they were), and the API enforces it', async () => {
    expect(await json(['policy', 'get'])).toEqual({
      maxLifetimeDays: null,
      requireExpiry: false,
      maxGracePeriodSeconds: 604_800,
      allowedIps: null,
      systemKey: 'enabled',
      personTokenSeconds: 900,
      onLeak: 'revoke',
    });
    const shown = (await ok(['policy', 'get'])).stdout;
    expect(shown).toMatch(/^Max lifetime:\s+no limit$/m);
    expect(shown).toMatch(/^Require expiry:\s+no$/m);
    expect(shown).toMatch(/^Max grace period:\s+604800 seconds$/m);
    expect(shown).toMatch(/^Allowed IPs:\s+any$/m);

    const strict = await ok(['policy', 'set', '--max-lifetime-days', '30', '--require-expiry', 'true']);
    expect(strict.stdout).toContain('Updated the tenant policy.');
    expect(strict.stdout).toMatch(/^Max lifetime:\s+30 days$/m);
    expect(strict.stdout).toMatch(/^Require expiry:\s+yes$/m);
    expect(await json(['policy', 'set', '--max-grace-period', '3600', '--allowed-ips', '127.0.0.0/8,::1'])).toEqual({
      maxLifetimeDays: 30,
      requireExpiry: true,
      maxGracePeriodSeconds: 3600,
      allowedIps: ['127.0.0.0/8', '::1/128'],
      systemKey: 'enabled',
      personTokenSeconds: 900,
      onLeak: 'revoke',
    });
    await fails(['keys', 'create', '--name', 'forever', '--type', 'viewer'], /requireExpiry.*\(policy\.violation\)/);
    await ok(['keys', 'create', '--name', 'monthly', '--type', 'viewer', '--expires-in-days', '30']);

    await fails(['policy', 'set', '--require-expiry', 'yes'], '--require-expiry must be true or false');
    await fails(['policy', 'set', '--max-lifetime-days', '0'], '--max-lifetime-days must be a whole number from 1 to 3650');
    await fails(['policy', 'set'], 'Nothing to change');
    await fails(['policy', 'set', '--allowed-ips', 'nowhere'], /allowedIps.*\(request\.invalid\)/);

    expect(
      await json([
        'policy',
        'set',
        '--max-lifetime-days',
        'none',
        '--require-expiry',
        'false',
        '--max-grace-period',
        '604800',
        '--allowed-ips',
        'none',
      ]),
    ).toEqual({
      maxLifetimeDays: null,
      requireExpiry: false,
      maxGracePeriodSeconds: 604_800,
      allowedIps: null,
      systemKey: 'enabled',
      personTokenSeconds: 900,
      onLeak: 'revoke',
    });
  }, 60_000);
});

describe('keys revoke-all', () => {
  it('refuses without --yes off a terminal, and with --yes revokes the matching keys only', async () => {
    const contractor = await Promise.all(
      [1, 2].map((n) =>
        json<{ key: KeyView; apiKey: string }>([
          'keys',
          'create',
          '--name',
          `contractor ${n}`,
          '--type',
          'privileged',
          '--owner',
          'contractor',
        ]),
      ),
    );
    const employee = await json<{ key: KeyView; apiKey: string }>([
      'keys',
      'create',
      '--name',
      'employee',
      '--type',
      'privileged',
      '--owner',
      'employee',
    ]);

    await fails(['keys', 'revoke-all', '--owner', 'contractor', '--reason', 'contract ended'], '--yes');
    await fails(['keys', 'revoke-all', '--owner', 'contractor', '--yes'], "required option '--reason <text>'");
    await fails(['keys', 'revoke-all', '--type', 'system', '--reason', 'x', '--yes'], 'privileged, viewer');
    expect(await json(['keys', 'get', contractor[0]!.key.id])).toMatchObject({ status: 'active' });

    expect((await ok(['keys', 'revoke-all', '--owner', 'contractor', '--reason', 'contract ended', '--yes'])).stdout).toBe(
      'Revoked 2 keys.\n',
    );
    for (const { key } of contractor) expect(await json(['keys', 'get', key.id])).toMatchObject({ status: 'revoked' });
    expect(await json(['keys', 'get', employee.key.id])).toMatchObject({ status: 'active' });
    expect(await json(['keys', 'revoke-all', '--owner', 'contractor', '--reason', 'again', '--yes'])).toEqual({ revoked: 0 });
    expect(await json(['keys', 'revoke-all', '--type', 'viewer', '--owner', 'employee', '--reason', 'none of these', '--yes'])).toEqual({
      revoked: 0,
    });
    expect(await json(['keys', 'get', employee.key.id])).toMatchObject({ status: 'active' });
    expect(await authenticate(systemKey)).toBe(200);

    const audit = await json<{ items: { action: string }[] }>(['audit', '--limit', '20']);
    expect(audit.items.map((event) => event.action)).toContain('tenant.revoke_all');
  }, 60_000);
});

describe('help and output', () => {
  it('has --help for the new commands, naming the options that remove a control', async () => {
    const commands = [
      ['policy'],
      ['policy', 'get'],
      ['policy', 'set'],
      ['keys', 'revoke-all'],
      ['keys', 'update'],
      ['keys', 'create'],
      ['keys', 'list'],
    ];
    const runs = await Promise.all(commands.map((command) => cli([...command, '--help'])));
    runs.forEach((run, index) => {
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: keyward ${commands[index]!.join(' ')}`);
    });
    const [, , set, revokeAll, update, create, list] = runs.map((run) => run.stdout);
    for (const option of [
      '--max-lifetime-days <days|none>',
      '--require-expiry <true|false>',
      '--max-grace-period <seconds>',
      '--allowed-ips <list|none>',
      '--json',
    ])
      expect(set).toContain(option);
    for (const option of ['--reason <text>', '--owner <id>', '--type <type>', '--yes', '--json']) expect(revokeAll).toContain(option);
    for (const option of [
      '--owner <id>',
      '--meta <key=value>',
      '--rate-limit <uses/window>',
      '--credits <n>',
      '--refill <amount/interval>',
      '--allowed-ips <list>',
    ]) {
      expect(create).toContain(option);
      expect(update).toContain(option);
    }
    for (const option of ['--no-owner', '--no-meta', '--no-rate-limit', '--no-credits', '--no-allowed-ips']) {
      expect(update).toContain(option);
      expect(create).not.toContain(option);
    }
    expect(list).toContain('--owner <id>');
  }, 60_000);

  it('shows usage controls escaped, one line per label, and meta values as --meta takes them back', () => {
    const hostile = 'a\x1b[31mb\u202ec\nd';
    const key = {
      ownerId: `owner${hostile}`,
      meta: { [`k${hostile}`]: `v${hostile}`, n: 5, text5: '5', yes: true, none: null },
      rateLimit: { limit: 1000, windowSeconds: 3600, remaining: 37, reset: 754 },
      credits: { remaining: 12_345, refill: { amount: 50_000, interval: 'daily' } },
      allowedIps: [`10.0.0.0/8${hostile}`],
    } as unknown as KeyView;
    const text = usageDetails(key);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text.split('\n')).toHaveLength(5);
    expect(text).toContain(String.raw`ownera\x1b[31mb\u202ec\x0ad`);
    expect(text).toContain('n=5, none=null, text5="5", yes=true');
    expect(text).toContain('37 of 1,000 left in this window, resets in 12 min 34 s (1000/1h)');
    expect(text).toContain('12,345 left, refilled to 50,000 daily');
    for (const value of ['5', 5, true, null, 'null', '"quoted"', 'a=b', ' 7']) expect(metaValue(metaText(value))).toBe(value);
    expect([windowText(60), windowText(90), windowText(86_400), windowText(7200)]).toEqual(['1m', '90s', '1d', '2h']);
    expect([durationText(12), durationText(3600), durationText(7260)]).toEqual(['12 s', '1 h', '2 h 1 min']);
  });
});

describe('keys usage and usage', () => {
  it('print uses by outcome per bucket with totals, the top keys, and the JSON answer with --json', async () => {
    const created = await json(['keys', 'create', '--name', 'usage-counted', '--type', 'viewer']);
    for (let i = 0; i < 3; i++) expect(await authenticate(created.apiKey)).toBe(200);

    const hourly = await ok(['keys', 'usage', created.key.id]);
    expect(hourly.stdout).toMatch(/^HOUR \(UTC\)\s+VALID\s+RATE LIMITED\s+USAGE EXCEEDED\s+IP NOT ALLOWED\s+REFUSED$/m);
    expect(hourly.stdout).toMatch(/^TOTAL\s+3\s+0\s+0\s+0\s+0$/m);
    // Not a terminal: no sparkline.
    expect(hourly.stdout).not.toMatch(/[▁▂▃▄▅▆▇█]/);

    const daily = await json([
      'keys',
      'usage',
      created.key.id,
      '--granularity',
      'day',
      '--from',
      new Date(Date.now() - 6 * 86_400_000).toISOString(),
    ]);
    expect(daily.totals).toEqual({ valid: 3, rateLimited: 0, usageExceeded: 0, ipNotAllowed: 0, refused: 0 });
    expect(daily.items.length).toBeGreaterThanOrEqual(7);
    expect((await ok(['keys', 'usage', created.key.id, '--granularity', 'day'])).stdout).toMatch(/^DAY \(UTC\)/m);
    await fails(['keys', 'usage', created.key.id, '--granularity', 'week'], /--granularity/);

    const tenant = await ok(['usage']);
    expect(tenant.stdout).toMatch(/^TOTAL\s+\d+/m);
    expect(tenant.stdout).toContain('Most used keys:');
    expect(tenant.stdout).toMatch(new RegExp(`^${created.key.id}\\s+usage-counted\\s+3$`, 'm'));
    const body = await json(['usage']);
    expect(body.topKeys).toContainEqual({ keyId: created.key.id, name: 'usage-counted', valid: 3 });
  });

  it('draws a sparkline of valid uses', async () => {
    const { sparkline } = await import('../../cli/output.ts');
    expect(sparkline([0, 1, 2, 4, 8])).toBe('▁▂▃▅█');
    expect(sparkline([0, 0])).toBe('▁▁');
  });
});
