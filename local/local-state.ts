import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR = '.data';
const STATE_FILE = join(DATA_DIR, 'local.json');

/** What a running `npm start` tells other local tools (the CLI) about itself. */
export interface LocalState {
  dynamoDbEndpoint: string;
  tableName: string;
  keyringFile: string;
  pid: number;
}

export function writeLocalState(state: LocalState): void {
  mkdirSync(DATA_DIR, { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function readLocalState(): LocalState | undefined {
  try {
    const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as LocalState;
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined;
  }
}

export function clearLocalState(): void {
  rmSync(STATE_FILE, { force: true });
}
