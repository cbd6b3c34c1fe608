/**
 * `npm run load [-- --connections 100 --duration 20]`: many concurrent clients against the local
 * server over its own DynamoDB Local, mixing authenticate, list, create and verify. Prints
 * throughput, p50/p99 per route and error counts; exits 1 on any 5xx, any request without an
 * answer, or a lost write (a 201 whose key is not in the table afterwards).
 * The local server's per-IP rate limits are off for the run: every client comes from 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { percentile } from './stats.ts';

interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: LoadRequest, context: Record<string, unknown>) => LoadRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AutocannonClient {
  requestIterator: { context: Record<string, unknown> };
}
interface AutocannonResult {
  requests: { total: number; average: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: AutocannonClient, status: number, bytes: number, ms: number) => void): void;
  then: Promise<AutocannonResult>['then'];
}
type Autocannon = (options: Record<string, unknown>) => AutocannonInstance;

// autocannon ships no types: the few parts used here are typed above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values: options } = parseArgs({
  options: {
    connections: { type: 'string', default: '100' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    keys: { type: 'string', default: '50' },
  },
});
const CONNECTIONS = Number(options.connections);
const DURATION_SECONDS = Number(options.duration);
const WARMUP_SECONDS = Number(options.warmup);
const MEMBER_KEYS = Number(options.keys);
const NAME_PREFIX = 'load-';

const log = (line: string) => console.log(line);

async function startStack(): Promise<{ child: ChildProcess; port: number; apiKey: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('KEYWARD_') && !name.startsWith('POWERTOOLS_')),
  );
  const child = spawn(process.execPath, [resolve(import.meta.dirname, 'local-stack.ts'), '--no-rate-limits'], { env, stdio: 'pipe' });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = /^ready (.*)$/m.exec(output);
    if (ready) return { child, ...(JSON.parse(ready[1]!) as { port: number; apiKey: string }) };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the local stack did not come up:\n${output}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function api(base: string, method: string, path: string, headers: Record<string, string>, json?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...headers, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const body = (await response.json()) as any;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Every key of the tenant whose name starts with the load prefix, read page by page. */
async function loadKeysInTable(base: string, headers: Record<string, string>): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const page: { items: { id: string; name: string }[]; nextCursor: string | null } = await api(
      base,
      'GET',
      `/v1/keys?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      headers,
    );
    for (const key of page.items) if (key.name.startsWith(NAME_PREFIX)) ids.add(key.id);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/** Repeats a create until it is answered 201, waiting while the first attempt still runs. */
async function repeatCreate(base: string, headers: Record<string, string>, body: string): Promise<string> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const response = await fetch(`${base}/v1/keys`, { method: 'POST', headers, body });
    const answer = (await response.json()) as { key: { id: string }; code?: string };
    if (response.status === 201) return answer.key.id;
    const retryable = response.status === 503 || (response.status === 409 && answer.code === 'request.idempotency_in_progress');
    if (!retryable) throw new Error(`repeating a create: ${response.status} ${JSON.stringify(answer)}`);
    await new Promise((done) => setTimeout(done, 1_000));
  }
  throw new Error('repeating a create: still not answered after 30 attempts');
}

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const p = (samples: number[], rank: number) => (samples.length === 0 ? '-' : ms(percentile(samples, rank)));

async function main() {
  log(`Starting DynamoDB Local and the local server (per-IP rate limits off)…`);
  const stack = await startStack();
  const base = `http://127.0.0.1:${stack.port}`;
  try {
    const { token } = await api(base, 'POST', '/v1/authentication', {}, { apiKey: stack.apiKey, expiresIn: 3600 });
    const admin = { authorization: `Bearer ${token}` };
    const members: string[] = [];
    for (let i = 0; i < MEMBER_KEYS; i++)
      members.push((await api(base, 'POST', '/v1/keys', admin, { name: `member ${i}`, type: 'viewer' })).apiKey);

    const latencies = new Map<string, number[]>();
    const statuses = new Map<string, Map<number, number>>();
    const created = new Set<string>();
    // Creates sent, and those answered 201 (by serial number, which names the key and its Idempotency-Key).
    const sent = new Set<number>();
    const answered = new Set<number>();
    let serial = 0;
    let measuring = false;
    const count = (route: string, status: number) => {
      const byStatus = statuses.get(route) ?? new Map<number, number>();
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      statuses.set(route, byStatus);
    };
    const json = { 'content-type': 'application/json' };
    const createHeaders = (n: number) => ({ ...json, ...admin, 'idempotency-key': `load-${n}` });
    const createBody = (n: number) => JSON.stringify({ name: `${NAME_PREFIX}${n}`, type: 'viewer' });
    // Header objects are fresh per request: autocannon writes its content-length into them.
    /** The mix: each request is one of these, drawn at random, so clients never move in step. */
    const routes: {
      route: string;
      build: (context: Record<string, unknown>) => Partial<LoadRequest>;
      onResponse?: LoadRequest['onResponse'];
    }[] = [
      {
        route: 'POST /v1/authentication',
        build: () => ({
          method: 'POST',
          path: '/v1/authentication',
          headers: { ...json },
          body: JSON.stringify({ apiKey: pick(members) }),
        }),
      },
      { route: 'GET /v1/keys', build: () => ({ method: 'GET', path: '/v1/keys?limit=25', headers: { ...admin } }) },
      {
        route: 'POST /v1/keys',
        build: (context) => {
          const n = serial++;
          context.create = n;
          sent.add(n);
          return { method: 'POST', path: '/v1/keys', headers: createHeaders(n), body: createBody(n) };
        },
        onResponse: (status, body, context) => {
          if (status !== 201) return;
          answered.add(context.create as number);
          created.add((JSON.parse(body) as { key: { id: string } }).key.id);
        },
      },
      {
        route: 'POST /v1/keys/verify',
        build: () => ({
          method: 'POST',
          path: '/v1/keys/verify',
          headers: { ...json, ...admin },
          body: JSON.stringify({ apiKey: pick(members) }),
        }),
      },
    ];
    const byName = new Map(routes.map((route) => [route.route, route]));
    const requests: LoadRequest[] = [
      {
        method: 'GET',
        path: '/',
        setupRequest: (request, context) => {
          const route = pick(routes);
          context.route = route.route;
          return { ...request, ...route.build(context) };
        },
        onResponse: (status, body, context) => {
          const route = context.route as string;
          if (measuring) count(route, status);
          byName.get(route)?.onResponse?.(status, body, context);
        },
      },
    ];

    // A warm-up (JIT, sockets, first writes of each key), checked like the run but not timed.
    const warmup =
      WARMUP_SECONDS > 0
        ? await autocannon({ url: base, connections: CONNECTIONS, duration: WARMUP_SECONDS, timeout: 10, requests })
        : undefined;
    measuring = true;
    log(
      `Load: ${CONNECTIONS} connections for ${DURATION_SECONDS} s after a ${WARMUP_SECONDS} s warm-up, each sending a random mix of authenticate, list, create (Idempotency-Key) and verify…`,
    );
    const instance = autocannon({ url: base, connections: CONNECTIONS, duration: DURATION_SECONDS, timeout: 10, requests });
    instance.on('response', (client, _status, _bytes, responseMs) => {
      const route = String(client.requestIterator.context.route);
      const list = latencies.get(route) ?? [];
      list.push(responseMs);
      latencies.set(route, list);
    });
    const result = await instance;

    // Creates without a 201 (still in flight when the run stopped, or refused for the moment):
    // ask again with the same Idempotency-Key, as a client would, so each is counted once,
    // whether it had landed or not.
    const unanswered = [...sent].filter((n) => !answered.has(n));
    for (const n of unanswered) created.add(await repeatCreate(base, createHeaders(n), createBody(n)));

    const inTable = await loadKeysInTable(base, admin);
    const lost = [...created].filter((id) => !inTable.has(id));
    const fiveHundredsOf = (run: AutocannonResult | undefined) =>
      Object.entries(run?.statusCodeStats ?? {})
        .filter(([status]) => Number(status) >= 500)
        .reduce((sum, [, { count: n }]) => sum + n, 0);
    const fiveHundreds = fiveHundredsOf(result);
    const warmupFailures = fiveHundredsOf(warmup) + (warmup?.errors ?? 0);

    log('');
    log(`| route | requests | p50 | p99 | statuses |`);
    log(`|---|---|---|---|---|`);
    for (const { route } of routes) {
      const times = latencies.get(route) ?? [];
      const byStatus = [...(statuses.get(route) ?? new Map()).entries()].map(([status, n]) => `${status}: ${n}`).join(', ');
      log(`| ${route} | ${times.length} | ${p(times, 50)} | ${p(times, 99)} | ${byStatus} |`);
    }
    const all = [...latencies.values()].flat();
    log('');
    log(
      `throughput: ${(result.requests.total / result.duration).toFixed(0)} requests/s (${result.requests.total} in ${result.duration.toFixed(1)} s); all routes p50 ${p(all, 50)}, p99 ${p(all, 99)}`,
    );
    log(
      `errors: ${fiveHundreds} 5xx, ${result.non2xx} non-2xx, ${result.timeouts} timeouts, ${result.errors} connection errors or timeouts (warm-up: ${warmupFailures} 5xx or errors)`,
    );
    log(
      `writes: ${answered.size} creates answered 201 during warm-up and run, ${unanswered.length} not (cut off at its end, or refused for the moment) and repeated with their Idempotency-Key; ${created.size} keys created, ${inTable.size} in the table afterwards, ${lost.length} lost`,
    );
    const failed = fiveHundreds > 0 || result.errors > 0 || warmupFailures > 0 || lost.length > 0 || inTable.size !== created.size;
    log(
      failed
        ? 'FAIL: a request failed with a 5xx or got no answer, or a write was lost.'
        : 'OK: no 5xx, every request answered, no write lost.',
    );
    process.exitCode = failed ? 1 : 0;
  } finally {
    const exited = new Promise((done) => stack.child.once('exit', done));
    stack.child.kill('SIGTERM');
    await exited;
  }
}

await main();
