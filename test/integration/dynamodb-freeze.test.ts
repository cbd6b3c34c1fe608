import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dependencyLimits } from '#shared/adapters/aws-clients.ts';

/**
 * The contract against a real outage: the local server over its own DynamoDB Local, which the
 * test pauses (SIGSTOP: connections are accepted, nothing answers), resumes and kills.
 */
const root = resolve(import.meta.dirname, '../..');
/** The documented bound (README, failure modes): an answer within 10 s of sending the request, whatever the store does. */
const CONTRACT_BOUND_MS = 10_000;

// Only what a user's shell would have, plus a signing-key refresh every second so the JWKS
// really asks the stopped store, and warnings in the log.
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARD_') && !name.startsWith('POWERTOOLS_'))),
  KEYWARD_SIGNING_KEY_REFRESH_SECONDS: '1',
  POWERTOOLS_LOG_LEVEL: 'WARN',
};

let child: ChildProcess;
let output = '';
let stack: { port: number; dynamoDbPid: number; apiKey: string };
let base: string;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  child = spawn(process.execPath, [resolve(root, 'bench/local-stack.ts')], { cwd: root, env, stdio: 'pipe' });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const line = /^ready (.*)$/m.exec(output);
    if (line) {
      stack = JSON.parse(line[1]!);
      break;
    }
    if (child.exitCode !== null) throw new Error(`the local stack exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`the local stack did not come up: ${output}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  base = `http://127.0.0.1:${stack.port}`;
}, 90_000);

afterAll(async () => {
  // Nothing is left stopped: resume and end the DynamoDB Local this test paused, then the server.
  if (stack && alive(stack.dynamoDbPid)) {
    process.kill(stack.dynamoDbPid, 'SIGCONT');
    process.kill(stack.dynamoDbPid, 'SIGKILL');
  }
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
});

interface Timed {
  status: number;
  retryAfter: string | null;
  body: any;
  ms: number;
}

/** One request, timed from sending to the whole answer; gives up (status 0) far past the bound. */
async function send(method: string, path: string, options: { json?: unknown; headers?: Record<string, string> } = {}): Promise<Timed> {
  const started = performance.now();
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(options.json === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      signal: AbortSignal.timeout(CONTRACT_BOUND_MS + 5_000),
    });
    const text = await response.text();
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: text ? JSON.parse(text) : undefined,
      ms: performance.now() - started,
    };
  } catch {
    return { status: 0, retryAfter: null, body: undefined, ms: performance.now() - started };
  }
}

const authenticate = () => send('POST', '/v1/authentication', { json: { apiKey: stack.apiKey } });
const publicPaths = ['/.well-known/jwks.json', '/.well-known/openid-configuration', '/openapi.json'];

function expectUnavailable(answer: Timed, what: string) {
  expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(503);
  expect(answer.body.code).toBe('service.unavailable');
  expect(answer.retryAfter).toBe(String(dependencyLimits.retryAfterSeconds));
  expect(answer.ms, `${what} took ${Math.round(answer.ms)} ms`).toBeLessThan(CONTRACT_BOUND_MS);
}

let token: string;
let jwks: unknown;

/** Each thread's state letter from /proc: 'T' once the group stop has reached it. */
const threadStates = (pid: number) =>
  readdirSync(`/proc/${pid}/task`).map((tid) => readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^.*\) /s, '')[0]);

/**
 * SIGSTOP reaches a process's threads asynchronously: a request sent the moment kill() returns
 * can still be answered by a thread not yet stopped. Waits until every thread is stopped.
 */
async function pause(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  for (let i = 0; i < 200 && !threadStates(pid).every((state) => state === 'T' || state === 't'); i++) {
    await new Promise((done) => setTimeout(done, 10));
  }
  expect(
    threadStates(pid).every((state) => state === 'T' || state === 't'),
    'every thread of DynamoDB Local stopped',
  ).toBe(true);
}

describe('DynamoDB Local paused, resumed, then killed under a running server', () => {
  // The phases of one scenario, run in order inside one test so shuffling cannot split them.
  const warm = async () => {
    const auth = await authenticate();
    expect(auth.status).toBe(200);
    token = auth.body.token;
    const keys = await send('GET', '/v1/keys', { headers: { authorization: `Bearer ${token}` } });
    expect(keys.status).toBe(200);
    const published = await send('GET', '/.well-known/jwks.json');
    expect(published.status).toBe(200);
    jwks = published.body;
  };

  const paused = async () => {
    await pause(stack.dynamoDbPid);
    const headers = { authorization: `Bearer ${token}` };
    const [auth, list, create, ...published] = await Promise.all([
      authenticate(),
      send('GET', '/v1/keys', { headers }),
      send('POST', '/v1/keys', {
        headers: { ...headers, 'idempotency-key': 'during-the-freeze' },
        json: { name: 'frozen', type: 'viewer' },
      }),
      ...publicPaths.map((path) => send('GET', path)),
    ]);
    expectUnavailable(auth!, 'POST /v1/authentication');
    expectUnavailable(list!, 'GET /v1/keys');
    expectUnavailable(create!, 'POST /v1/keys');
    for (const [i, answer] of published.entries()) {
      expect(answer.status, publicPaths[i]).toBe(200);
      expect(answer.ms).toBeLessThan(CONTRACT_BOUND_MS);
    }
    expect(published[0]!.body).toEqual(jwks);
    // For the record: the answer time of a request to a frozen store.
    console.info(`frozen store: authenticate answered ${auth!.status} in ${Math.round(auth!.ms)} ms`);
  };

  const resumed = async () => {
    process.kill(stack.dynamoDbPid, 'SIGCONT');
    const auth = await authenticate();
    expect(auth.status, JSON.stringify(auth.body)).toBe(200);
    expect((await send('GET', '/v1/keys', { headers: { authorization: `Bearer ${auth.body.token}` } })).status).toBe(200);
  };

  const killed = async () => {
    process.kill(stack.dynamoDbPid, 'SIGKILL');
    for (let i = 0; alive(stack.dynamoDbPid) && i < 50; i++) await new Promise((done) => setTimeout(done, 100));
    // Past the one-second refresh: the JWKS asks the store, fails, and serves what it read.
    await new Promise((done) => setTimeout(done, 1_100));
    for (const path of publicPaths) {
      const answer = await send('GET', path);
      expect(answer.status, path).toBe(200);
      if (path.endsWith('jwks.json')) expect(answer.body).toEqual(jwks);
    }
    const auth = await authenticate();
    expectUnavailable(auth, 'POST /v1/authentication');
    expect(auth.ms).toBeLessThan(dependencyLimits.callBudgetMs);
    console.info(`killed store: authenticate answered ${auth.status} in ${Math.round(auth.ms)} ms`);
    expectUnavailable(await send('GET', '/v1/keys', { headers: { authorization: `Bearer ${token}` } }), 'GET /v1/keys');
    expect(output).toContain('"message":"dependency unavailable"');
    expect(output).toContain('"dependency":"dynamodb"');
    expect(output).toContain('signing keys refresh failed; serving the keys last read');
  };

  it('serves warm; paused, answers 503 with Retry-After within the bound while public routes keep answering; resumed, serves again without a restart; killed, serves public routes from memory and store routes 503 at once', async () => {
    await warm();
    await paused();
    await resumed();
    await killed();
  }, 60_000);
});
