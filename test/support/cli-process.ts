import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const entry = join(resolve(import.meta.dirname, '../..'), 'cli/keyward.ts');
// Only what a user's shell would have: the test harness's own settings must not leak in.
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !name.startsWith('KEYWARD_') && !name.startsWith('POWERTOOLS_') && name !== 'NO_COLOR' && name !== 'FORCE_COLOR',
  ),
);

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as a user runs it: its own process, not on a terminal, in a folder and with a config
 * home of its own (asynchronously: the test process serves the API it calls).
 */
export function cliRunner(name: string) {
  const workDir = mkdtempSync(join(tmpdir(), `keyward-${name}-`));
  const configHome = mkdtempSync(join(tmpdir(), `keyward-${name}-config-`));
  const run = (args: string[], env: Record<string, string | undefined>): Promise<CliRun> =>
    new Promise((done, reject) => {
      const child = spawn(process.execPath, [entry, ...args], {
        cwd: workDir,
        env: { ...baseEnv, XDG_CONFIG_HOME: configHome, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  return { workDir, configHome, run };
}
