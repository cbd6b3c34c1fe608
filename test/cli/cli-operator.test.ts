import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#local/dynamodb-local.ts';
import { createLocalServer } from '#local/server.ts';
import { getAdapters } from '#shared/runtime.ts';
import { POLICY_CACHE_MS } from '#shared/services/tenant-policy.ts';
import { newTenant } from '../support/api.ts';
import { cliRunner, type CliRun } from '../support/cli-process.ts';

// `policy set --tenant`: the operator writes a tenant's policy straight into the store, as
// `bootstrap` does, and the API sees it. The store is this test file's, given to the CLI as an
// explicit configuration (the way the CLI also finds a running `npm start`'s).

const { run } = cliRunner('cli-operator');
const server = createLocalServer();
const tenant = 'cli-operator';
let endpoint: string;
let systemKey: string;

const store = {
  KEYWARD_DYNAMODB_ENDPOINT: process.env.KEYWARD_DYNAMODB_ENDPOINT,
  KEYWARD_TABLE_NAME: process.env.KEYWARD_TABLE_NAME,
  KEYWARD_KEYRING_FILE: process.env.KEYWARD_KEYRING_FILE,
};

/** As the operator: the store's configuration, no API key. */
const operator = (args: string[]) => run(args, store);
/** As the tenant's system key, through the API. */
const api = (args: string[]) => run(args, { KEYWARD_API_KEY: systemKey, KEYWARD_ENDPOINT: endpoint });

const succeeded = (result: CliRun, what: string) => expect(result.code, `${what}\n${result.stderr}`).toBe(0);

/** Retries `args` until it succeeds: a policy change reaches a warm function within POLICY_CACHE_MS. */
async function untilAccepted(args: string[]): Promise<CliRun> {
  const deadline = Date.now() + POLICY_CACHE_MS + 5000;
  for (;;) {
    const result = await api(args);
    if (result.code === 0 || Date.now() > deadline) return result;
    await new Promise((done) => setTimeout(done, 500));
  }
}

const policyEvents = async () =>
  (await getAdapters().store.audit.list(tenant, { limit: 50 })).items.filter((event) => event.action === 'tenant.policy_update');

beforeAll(async () => {
  systemKey = (await newTenant(tenant)).apiKey;
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(() => new Promise((done) => server.close(done)));

describe('policy set --tenant', () => {
  it('locks the tenant out and lets it back in with --allowed-ips none, audited as the operator, and the API sees each policy', async () => {
    const locked = await operator(['policy', 'set', '--tenant', tenant, '--allowed-ips', '203.0.113.0/24', '--json']);
    succeeded(locked, 'policy set --tenant --allowed-ips');
    expect(JSON.parse(locked.stdout)).toEqual({
      maxLifetimeDays: null,
      requireExpiry: false,
      maxGracePeriodSeconds: 604_800,
      allowedIps: ['203.0.113.0/24'],
      systemKey: 'enabled',
      personTokenSeconds: 900,
      onLeak: 'revoke',
    });
    // No call of this tenant was served yet, so nothing is cached: the refusal is immediate.
    const refused = await api(['whoami']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('authentication.ip_not_allowed');

    const [event] = await policyEvents();
    expect(event).toMatchObject({
      actor: 'operator',
      actorType: 'unauthenticated',
      keyId: null,
      outcome: 'success',
      details: JSON.parse(locked.stdout),
    });

    const back = await operator([
      'policy',
      'set',
      '--tenant',
      tenant,
      '--allowed-ips',
      'none',
      '--system-key',
      'break-glass',
      '--person-token-seconds',
      '600',
    ]);
    succeeded(back, 'policy set --tenant --allowed-ips none');
    expect(back.stdout).toContain(`Updated the policy of tenant '${tenant}' in the store, as the operator (audited).`);
    expect(back.stdout).toMatch(/^Allowed IPs:\s+any$/m);
    expect(back.stdout).toMatch(/^System key:\s+break-glass$/m);
    expect(back.stdout).toMatch(/^People's tokens:\s+600 seconds$/m);

    const policy = await untilAccepted(['policy', 'get', '--json']);
    succeeded(policy, 'policy get');
    expect(JSON.parse(policy.stdout)).toEqual({
      maxLifetimeDays: null,
      requireExpiry: false,
      maxGracePeriodSeconds: 604_800,
      allowedIps: null,
      systemKey: 'break-glass',
      personTokenSeconds: 600,
      onLeak: 'revoke',
    });
    const audit = JSON.parse((await api(['audit', '--json'])).stdout) as { items: { action: string; actor: string }[] };
    expect(audit.items.filter((item) => item.action === 'tenant.policy_update').map((item) => item.actor)).toEqual([
      'operator',
      'operator',
    ]);
    expect(await policyEvents()).toHaveLength(2);
  }, 60_000);

  it('merges only the given rules into the stored policy', async () => {
    succeeded(await operator(['policy', 'set', '--tenant', tenant, '--person-token-seconds', '600']), 'policy set');
    succeeded(await operator(['policy', 'set', '--tenant', tenant, '--max-lifetime-days', '30', '--require-expiry', 'true']), 'policy set');
    const merged = await operator(['policy', 'set', '--tenant', tenant, '--system-key', 'enabled', '--json']);
    succeeded(merged, 'policy set --system-key enabled');
    expect(JSON.parse(merged.stdout)).toMatchObject({
      maxLifetimeDays: 30,
      requireExpiry: true,
      systemKey: 'enabled',
      personTokenSeconds: 600,
      onLeak: 'revoke',
    });
    // Back to the defaults, for the other tests of this file.
    succeeded(await operator(['policy', 'set', '--tenant', tenant, '--max-lifetime-days', 'none', '--require-expiry', 'false']), 'reset');
  });

  it('refuses an unknown tenant, a bad address, --stage without --tenant, and a missing store, saying what to do', async () => {
    const before = (await policyEvents()).length;
    const unknown = await operator(['policy', 'set', '--tenant', 'nobody-here', '--system-key', 'enabled']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("There is no tenant 'nobody-here' in this store");
    expect(unknown.stderr).toContain('keyward bootstrap --tenant nobody-here');

    const badIp = await operator(['policy', 'set', '--tenant', tenant, '--allowed-ips', '10.0.0.0/8,nowhere']);
    expect(badIp.code).toBe(1);
    expect(badIp.stderr).toContain("'nowhere' is not an IPv4 or IPv6 address or CIDR block");

    const badMode = await operator(['policy', 'set', '--tenant', tenant, '--system-key', 'off']);
    expect(badMode.code).not.toBe(0);
    expect(badMode.stderr).toContain('--system-key must be one of enabled, break-glass, disabled.');

    const badTokens = await operator(['policy', 'set', '--tenant', tenant, '--person-token-seconds', '59']);
    expect(badTokens.code).not.toBe(0);
    expect(badTokens.stderr).toContain('--person-token-seconds must be a whole number from 60 to 3600.');

    const stageOnly = await api(['policy', 'set', '--stage', 'prod', '--require-expiry', 'true']);
    expect(stageOnly.code).toBe(1);
    expect(stageOnly.stderr).toContain('--stage needs --tenant');

    // Neither a store configuration nor a running `npm start` in the working folder.
    const noStore = await run(['policy', 'set', '--tenant', tenant, '--system-key', 'enabled'], {});
    expect(noStore.code).toBe(1);
    expect(noStore.stderr).toContain('No running Keyward found');
    expect(noStore.stderr).toContain('run policy set --tenant cli-operator again');
    expect(await policyEvents()).toHaveLength(before);
  });

  it('sets --system-key and --person-token-seconds through the API without --tenant', async () => {
    const set = await untilAccepted(['policy', 'set', '--person-token-seconds', '1200', '--json']);
    succeeded(set, 'policy set --person-token-seconds');
    expect(JSON.parse(set.stdout)).toMatchObject({ personTokenSeconds: 1200, systemKey: 'enabled', allowedIps: null });
    const [latest] = await policyEvents();
    expect(latest).toMatchObject({ actorType: 'key', details: { personTokenSeconds: 1200 } });
  });
});
