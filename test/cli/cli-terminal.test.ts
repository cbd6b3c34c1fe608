import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '#local/dynamodb-local.ts';
import { createLocalServer } from '#local/server.ts';
import { createKey, newTenant } from '../support/api.ts';

// The CLI's terminal-only paths, run in a real pseudo-terminal: tmux runs a shell, the test
// types into it and reads the screen as a user would see it.

const root = resolve(import.meta.dirname, '../..');
const entry = join(root, 'cli/keyward.ts');
const socket = `keyward-test-${randomUUID().slice(0, 8)}`;
const configHome = mkdtempSync(join(tmpdir(), 'keyward-tty-'));
const server = createLocalServer();
let systemKey: string;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-J', '-t', 'cli');
const type = (text: string) => tmux('send-keys', '-t', 'cli', '-l', text);
const press = (key: string) => tmux('send-keys', '-t', 'cli', key);

/** Waits until the screen shows `pattern`; answers the screen. */
async function waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = screen();
    if (pattern.test(shown)) return shown;
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}; it shows:\n${shown}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

const clear = async () => {
  type('clear');
  press('Enter');
  await waitFor(/^\$ ?$/m);
};

beforeAll(async () => {
  systemKey = (await newTenant('cli-terminal')).apiKey;
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  // A plain shell where `keyward` is the CLI and the API key comes from the environment, as in CI.
  const env = [
    `PS1=$ `,
    `XDG_CONFIG_HOME=${configHome}`,
    `KEYWARD_ENDPOINT=http://127.0.0.1:${port}`,
    `KEYWARD_API_KEY=${systemKey}`,
    'NO_COLOR=1',
  ];
  tmux('new-session', '-d', '-s', 'cli', '-x', '200', '-y', '40', 'env', '-i', `PATH=${process.env.PATH}`, 'TERM=xterm', ...env, 'sh');
  type(`keyward() { '${process.execPath}' '${entry}' "$@"; }`);
  press('Enter');
  await clear();
});

afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // Already gone.
  }
  await new Promise((done) => server.close(done));
});

describe('keys delete on a terminal', () => {
  it('keeps its question on screen while the answer is typed, and deletes on y', async () => {
    const { key } = await createKey(systemKey, { name: 'to delete' });
    type(`keyward keys delete ${key.id}`);
    press('Enter');
    await waitFor(/for good\?/);
    type('y');
    const asked = await waitFor(/\[y\/N\] y$/m);
    expect(asked).toContain(`Delete key ${key.id} for good? This cannot be undone. [y/N] y`);
    press('Enter');
    await waitFor(/Deleted/);
    await clear();
  });

  it('keeps the key on any other answer', async () => {
    const { key } = await createKey(systemKey, { name: 'to keep' });
    type(`keyward keys delete ${key.id}`);
    press('Enter');
    await waitFor(/for good\?/);
    type('n');
    press('Enter');
    const shown = await waitFor(/^\$ ?$/m);
    expect(shown).not.toContain('Deleted');
    type(`keyward keys get ${key.id}`);
    press('Enter');
    await waitFor(/to keep/);
    await clear();
  });
});

describe('keys list on a terminal', () => {
  it('prints a next-page command that runs as printed, with every filter kept', async () => {
    for (let i = 0; i < 3; i++) await createKey(systemKey, { name: `paged viewer ${i}`, type: 'viewer' });
    type(`keyward keys list --type viewer --status active --search 'paged viewer' --order asc --limit 1`);
    press('Enter');
    const first = await waitFor(/More keys: (keyward keys list .*)$/m);
    const hint = /More keys: (keyward keys list .*)$/m.exec(first)![1]!;
    for (const kept of ['--type viewer', '--status active', "--search 'paged viewer'", '--order asc', '--limit 1'])
      expect(hint).toContain(kept);
    expect(first).toContain('paged viewer 0');
    await clear();
    type(hint);
    press('Enter');
    const second = await waitFor(/More keys:|keyward:/);
    expect(second).not.toContain('keyward:');
    expect(second).toContain('paged viewer 1');
  });
});

describe('keys revoke-all on a terminal', () => {
  it('revokes only after the tenant id is typed exactly', async () => {
    const contractor = await Promise.all([1, 2].map((n) => createKey(systemKey, { name: `contractor ${n}`, ownerId: 'contractor' })));
    const employee = await createKey(systemKey, { name: 'employee', ownerId: 'employee' });
    await clear();
    type(`keyward keys revoke-all --owner contractor --reason 'contract ended'`);
    press('Enter');
    const asked = await waitFor(/Type the tenant id to confirm: $/m);
    expect(asked).toContain(
      "This revokes every active or disabled privileged, viewer and client key of owner 'contractor' in tenant 'cli-terminal' for good.",
    );
    type('cli-termina');
    press('Enter');
    await waitFor(/Not revoked: what you typed is not the tenant id\./);
    type(`keyward keys get ${contractor[0]!.key.id}`);
    press('Enter');
    await waitFor(/Status:\s+active/);
    await clear();

    type(`keyward keys revoke-all --owner contractor --reason 'contract ended'`);
    press('Enter');
    await waitFor(/Type the tenant id to confirm: $/m);
    type('cli-terminal');
    press('Enter');
    await waitFor(/Revoked 2 keys\./);
    await clear();
    type(`keyward keys list --owner contractor --status revoked; keyward keys get ${employee.key.id}`);
    press('Enter');
    const listed = await waitFor(/Status:\s+\w+/);
    for (const { key } of contractor) expect(listed).toContain(key.id);
    expect(listed).toMatch(/Status:\s+active/);
  });
});
