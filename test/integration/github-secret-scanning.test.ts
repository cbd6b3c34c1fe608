import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { importSPKI, jwtVerify } from 'jose';
import { freePort } from '#local/dynamodb-local.ts';
import { startEventLog } from '#local/event-log.ts';
import { lambdaContext } from '#local/proxy-event.ts';
import { handler as alertWorker } from '#functions/github-alert-worker.ts';
import { getConfig } from '#shared/config.ts';
import { formatApiKey, generateSecret } from '#shared/domain/api-key.ts';
import { logger } from '#shared/observability.ts';
import { getAdapters } from '#shared/runtime.ts';
import { call, createKey, newTenant, withKey } from '../support/api.ts';
import { useLocalServer } from '../support/local-http.ts';

// GitHub's secret scanning played end to end against the local server: signed webhook
// deliveries, and a stand-in for GitHub's REST API that checks the App's JWT and the
// installation token the worker presents, serves the alert's secret and takes its resolution.

const TENANT = 'github';
const PATH = '/v1/integrations/github/secret-scanning';
const WEBHOOK_SECRET = `webhook secret ${randomUUID()}`;
const APP_ID = '424242';
const SECRET_TYPE = 'keyward_api_key';
const ATTEMPTS = 4;
const app = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

const folder = mkdtempSync(join(tmpdir(), 'keyward-github-'));
const deadLetters = join(folder, 'dead-letters.ndjson');
const events = join(folder, 'events.ndjson');
const githubPort = await freePort();
writeFileSync(join(folder, 'webhook-secret'), WEBHOOK_SECRET);
writeFileSync(join(folder, 'app.json'), JSON.stringify({ appId: APP_ID, privateKey: app.privateKey }));
Object.assign(process.env, {
  KEYWARD_GITHUB_API_URL: `http://127.0.0.1:${githubPort}`,
  KEYWARD_GITHUB_WEBHOOK_SECRET_FILE: join(folder, 'webhook-secret'),
  KEYWARD_GITHUB_APP_FILE: join(folder, 'app.json'),
  KEYWARD_GITHUB_SECRET_TYPES: `other_pattern, ${SECRET_TYPE}`,
  KEYWARD_GITHUB_ATTEMPTS: String(ATTEMPTS),
  KEYWARD_GITHUB_RETRY_MS: '50',
  KEYWARD_GITHUB_DEAD_LETTER_FILE: deadLetters,
});

const { http } = useLocalServer();

// ------------------------------------------------------------------ the stand-in for GitHub

interface StandInAlert {
  repository: string;
  number: number;
  secret: string;
  state: 'open' | 'resolved';
  /** Answers 503 this many times before answering. */
  failures: number;
  /** Answers this status to every alert request. */
  alwaysStatus?: number;
  patches: Record<string, unknown>[];
}

const github = {
  /** The App installation of each repository. */
  installations: new Map<string, number>(),
  tokens: new Map<string, number>(),
  alerts: new Map<string, StandInAlert>(),
  requests: [] as { method: string; path: string; status: number }[],
  jwtsChecked: 0,
};
const htmlUrl = (alert: { repository: string; number: number }) =>
  `https://github.com/${alert.repository}/security/secret-scanning/${alert.number}`;
const appKey = await importSPKI(app.publicKey, 'RS256');

async function readAll(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function standIn(request: IncomingMessage, response: ServerResponse) {
  const { pathname } = new URL(request.url ?? '/', 'http://github.test');
  const method = request.method ?? 'GET';
  const body = await readAll(request);
  const answer = (status: number, json: unknown) => {
    github.requests.push({ method, path: pathname, status });
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(json));
  };
  const authorization = request.headers.authorization ?? '';
  const tokenRoute = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(pathname);
  if (method === 'POST' && tokenRoute) {
    try {
      const { payload } = await jwtVerify(/^bearer (.+)$/i.exec(authorization)?.[1] ?? '', appKey, { algorithms: ['RS256'] });
      if (String(payload.iss) !== APP_ID) throw new Error('another App');
      github.jwtsChecked++;
    } catch {
      return answer(401, { message: 'A JSON web token could not be decoded' });
    }
    const token = `ghs_${randomUUID().replaceAll('-', '')}`;
    github.tokens.set(token, Number(tokenRoute[1]));
    return answer(201, { token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} });
  }
  const alertRoute = /^\/repos\/([^/]+\/[^/]+)\/secret-scanning\/alerts\/(\d+)$/.exec(pathname);
  const alert = alertRoute && github.alerts.get(`${alertRoute[1]}#${alertRoute[2]}`);
  if (!alert || (method !== 'GET' && method !== 'PATCH')) return answer(404, { message: 'Not Found' });
  const token = /^token (.+)$/.exec(authorization)?.[1] ?? '';
  const installation = github.tokens.get(token);
  if (installation === undefined || installation !== github.installations.get(alert.repository))
    return answer(401, { message: 'Bad credentials' });
  if (alert.alwaysStatus) return answer(alert.alwaysStatus, { message: 'Not Found' });
  if (alert.failures > 0) {
    alert.failures--;
    return answer(503, { message: 'Service Unavailable' });
  }
  if (method === 'PATCH') {
    const patch = JSON.parse(body) as Record<string, unknown>;
    alert.patches.push(patch);
    alert.state = patch.state as StandInAlert['state'];
  }
  const { repository, number, secret, state } = alert;
  return answer(200, { number, state, secret, secret_type: SECRET_TYPE, html_url: htmlUrl({ repository, number }) });
}

// ------------------------------------------------------------------ helpers

let lastAlertNumber = 0;
let systemKey: string;
let githubServer: Server;
let eventLog: { stop: () => Promise<void> };
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
/** Everything logged, or written to standard output and error, while this file runs. */
const output: string[] = [];
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
/** Every secret this file had GitHub hold: none may be in any log line. */
const leakedSecrets: string[] = [];

/** A new alert in the stand-in, holding `secret`, in a repository of installation 7. */
function newAlert(secret: string, change: Partial<StandInAlert> = {}): StandInAlert {
  const alert: StandInAlert = {
    repository: 'octo-org/service',
    number: ++lastAlertNumber,
    secret,
    state: 'open',
    failures: 0,
    patches: [],
  };
  Object.assign(alert, change);
  github.installations.set(alert.repository, github.installations.get(alert.repository) ?? 7);
  github.alerts.set(`${alert.repository}#${alert.number}`, alert);
  leakedSecrets.push(secret);
  return alert;
}

/** The webhook payload GitHub sends for `alert`: it never holds the secret. */
const payloadOf = (alert: StandInAlert, action = 'created', installationId = github.installations.get(alert.repository)) => ({
  action,
  alert: { number: alert.number, secret_type: SECRET_TYPE, state: 'open', html_url: htmlUrl(alert), created_at: new Date().toISOString() },
  repository: { full_name: alert.repository, private: true },
  installation: { id: installationId },
  sender: { login: 'octocat' },
});

interface Delivery {
  event?: string;
  id?: string;
  /** The signature header as sent; null: none; by default the right one. */
  signature?: string | null;
}

async function deliver(payload: unknown, delivery: Delivery = {}) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature = delivery.signature === undefined ? await sign(WEBHOOK_SECRET, body) : delivery.signature;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': delivery.event ?? 'secret_scanning_alert',
    'x-github-delivery': delivery.id ?? randomUUID(),
    'user-agent': 'GitHub-Hookshot/test',
    ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
  };
  return http('POST', PATH, { raw: body, headers });
}

/** Waits until `check` holds, polling, for at most `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Lets anything a delivery may have queued run (the retries of this file take well under a second). */
const settle = () => new Promise((done) => setTimeout(done, 800));

const requestsFor = (alert: StandInAlert) =>
  github.requests.filter((request) => request.path === `/repos/${alert.repository}/secret-scanning/alerts/${alert.number}`);
const authenticate = (apiKey: string) => call('POST', '/v1/authentication', { json: { apiKey } });
const keyOf = async (id: string) => (await call('GET', `/v1/keys/${id}`, { headers: withKey(systemKey) })).body;
const leakEventsOf = async (keyId: string) =>
  (await getAdapters().store.audit.list(TENANT, { keyId, limit: 50 })).items.filter((event) => event.action === 'key.leaked');
/** The JSON lines of a file the run appends to, none while it does not exist. */
const jsonLines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];
const deadLetterLines = () => jsonLines(deadLetters);
const eventLines = () => jsonLines(events);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // What the code asks the logger to write, whatever its level (tests run it silent).
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => void output.push(JSON.stringify(args)));
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const write = writes[stream];
    process[stream].write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      output.push(String(chunk));
      return write.call(process[stream], chunk, ...rest);
    }) as typeof write;
  }
  githubServer = createServer((request, response) => void standIn(request, response));
  await new Promise<void>((done) => githubServer.listen(githubPort, '127.0.0.1', done));
  systemKey = (await newTenant(TENANT)).apiKey;
  const config = getConfig();
  eventLog = startEventLog({
    endpoint: config.dynamoDbEndpoint!,
    region: config.region,
    tableName: config.tableName,
    file: events,
    checkpointFile: join(folder, 'events.checkpoint.json'),
  });
});

afterAll(async () => {
  await eventLog.stop();
  await new Promise((done) => githubServer.close(done));
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
  vi.restoreAllMocks();
  process.off('unhandledRejection', onUnhandled);
});

// ------------------------------------------------------------------ the tests

describe('a secret_scanning_alert for a leaked key', () => {
  it('refuses the key within 60 s of the delivery, resolves the alert as revoked naming the key id, and names the leak in the audit and event logs', async () => {
    const { key, apiKey, keySecret } = await createKey(systemKey, { name: 'pushed to GitHub' });
    expect((await authenticate(apiKey)).status).toBe(200);
    const alert = newAlert(apiKey);
    const delivered = Date.now();
    const answer = await deliver(payloadOf(alert));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text).toBe('{"received":true}');

    await until(async () => (await authenticate(apiKey)).body.code === 'authentication.key_revoked');
    expect(Date.now() - delivered).toBeLessThan(60_000);
    await until(() => alert.patches.length > 0);
    expect(alert.patches).toEqual([{ state: 'resolved', resolution: 'revoked', resolution_comment: expect.stringContaining(key.id) }]);
    const comment = String(alert.patches[0]!.resolution_comment);
    expect(comment).not.toContain(apiKey);
    expect(comment).not.toContain(keySecret);
    expect(github.jwtsChecked).toBeGreaterThan(0);

    expect(await keyOf(key.id)).toMatchObject({ status: 'revoked', leakedAt: expect.any(String) });
    const leaks = await leakEventsOf(key.id);
    expect(leaks.map((event) => [event.actor, event.details])).toEqual([
      ['keyward:leak-github', { via: 'github', source: 'github:octo-org/service', url: htmlUrl(alert), onLeak: 'revoke' }],
    ]);
    await until(() => eventLines().some((line) => line.detail.action === 'key.leaked' && line.detail.keyId === key.id), 30_000);
    const event = eventLines().find((line) => line.detail.action === 'key.leaked' && line.detail.keyId === key.id);
    expect(event.detail.details).toMatchObject({ via: 'github', url: htmlUrl(alert) });
  });

  it('does nothing twice for a replayed delivery: 200, one read of the alert, one resolution, one audit event', async () => {
    const { key, apiKey } = await createKey(systemKey, { name: 'replayed' });
    const alert = newAlert(apiKey);
    const id = randomUUID();
    expect((await deliver(payloadOf(alert), { id })).status).toBe(200);
    await until(() => alert.patches.length > 0);
    const replay = await deliver(payloadOf(alert), { id });
    expect(replay.status).toBe(200);
    expect(replay.text).toBe('{"received":true}');
    await settle();
    expect(requestsFor(alert).map((request) => request.method)).toEqual(['GET', 'PATCH']);
    expect(await leakEventsOf(key.id)).toHaveLength(1);
  });

  it('retries GitHub answering 5xx with backoff from the queue, and then handles the alert', async () => {
    const { key, apiKey } = await createKey(systemKey, { name: 'github was down' });
    const alert = newAlert(apiKey, { failures: 2 });
    expect((await deliver(payloadOf(alert))).status).toBe(200);
    await until(() => alert.patches.length > 0);
    expect(requestsFor(alert).map((request) => request.status)).toEqual([503, 503, 200, 200]);
    expect((await keyOf(key.id)).status).toBe('revoked');
  });

  it('dead-letters an alert GitHub always answers 404 to after its attempts, without a crash', async () => {
    const { key, apiKey } = await createKey(systemKey, { name: 'alert gone' });
    const alert = newAlert(apiKey, { alwaysStatus: 404 });
    const id = randomUUID();
    expect((await deliver(payloadOf(alert), { id })).status).toBe(200);
    await until(() => deadLetterLines().some((line) => line.job.deliveryId === id));
    const letter = deadLetterLines().find((line) => line.job.deliveryId === id);
    expect(letter).toMatchObject({
      attempts: ATTEMPTS,
      job: { deliveryId: id, installationId: 7, repository: alert.repository, alertNumber: alert.number },
      reason: expect.stringContaining('404'),
    });
    expect(requestsFor(alert)).toHaveLength(ATTEMPTS);
    expect(readFileSync(deadLetters, 'utf8')).not.toContain(apiKey);
    expect((await keyOf(key.id)).status).toBe('active');
    expect(unhandled).toEqual([]);
    expect((await http('GET', '/.well-known/jwks.json')).status).toBe(200);
  });

  it('dead-letters an alert whose installation token GitHub refuses (401)', async () => {
    const { key, apiKey } = await createKey(systemKey, { name: 'wrong installation' });
    const alert = newAlert(apiKey, { repository: 'octo-org/elsewhere' });
    const id = randomUUID();
    // The payload names an installation that cannot read this repository.
    expect((await deliver(payloadOf(alert, 'created', 99), { id })).status).toBe(200);
    await until(() => deadLetterLines().some((line) => line.job.deliveryId === id));
    expect(requestsFor(alert).map((request) => request.status)).toEqual(Array(ATTEMPTS).fill(401));
    expect((await keyOf(key.id)).status).toBe('active');
  });

  it('leaves the key and the alert alone when the secret is no Keyward key', async () => {
    const { key, apiKey } = await createKey(systemKey, { name: 'a look-alike nearby' });
    const badChecksum = `${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}`;
    for (const secret of [
      'ghp_notAKeywardKeyAtAll0123456789',
      badChecksum,
      formatApiKey('kw', { keyId: key.id, secret: generateSecret() }),
    ]) {
      const alert = newAlert(secret);
      expect((await deliver(payloadOf(alert))).status).toBe(200);
      await until(() => requestsFor(alert).length > 0);
      await settle();
      expect(requestsFor(alert).map((request) => request.method)).toEqual(['GET']);
      expect(alert.patches).toEqual([]);
    }
    expect(await keyOf(key.id)).toMatchObject({ status: 'active', leakedAt: null });
    expect(await leakEventsOf(key.id)).toEqual([]);
  });

  it('resolves the alert of a key already revoked, changing nothing on the key', async () => {
    const { key, apiKey } = await createKey(systemKey, { name: 'revoked before' });
    await call('POST', `/v1/keys/${key.id}/revoke`, { headers: withKey(systemKey), json: {} });
    const before = await keyOf(key.id);
    const alert = newAlert(apiKey);
    expect((await deliver(payloadOf(alert))).status).toBe(200);
    await until(() => alert.patches.length > 0);
    expect(alert.patches[0]).toMatchObject({ state: 'resolved', resolution: 'revoked' });
    expect(String(alert.patches[0]!.resolution_comment)).toContain(key.id);
    expect(String(alert.patches[0]!.resolution_comment)).not.toContain(apiKey);
    expect(await keyOf(key.id)).toEqual(before);
    expect(await leakEventsOf(key.id)).toEqual([]);
  });
});

describe('the worker as SQS runs it', () => {
  it('handles each message of a batch, and reports only the failed ones back for SQS to retry and dead-letter', async () => {
    const { key, apiKey } = await createKey(systemKey, { name: 'from the queue' });
    const alert = newAlert(apiKey);
    const job = { deliveryId: randomUUID(), installationId: 7, repository: alert.repository, alertNumber: alert.number };
    const gone = newAlert('ghp_irrelevant', { alwaysStatus: 404 });
    const records = [
      { messageId: 'handled', body: JSON.stringify(job) },
      { messageId: 'not-a-job', body: '{"deliveryId": 1}' },
      { messageId: 'github-404', body: JSON.stringify({ ...job, alertNumber: gone.number }) },
    ];
    const result = await alertWorker({ Records: records } as never, lambdaContext('github-alert-worker'));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'not-a-job' }, { itemIdentifier: 'github-404' }] });
    expect(alert.patches).toHaveLength(1);
    expect((await keyOf(key.id)).status).toBe('revoked');
  });
});

describe('deliveries that do nothing', () => {
  /** Asserts that the stand-in saw no request while `act` ran and what it queued had time to run. */
  async function expectNothingQueued(act: () => Promise<void>) {
    const seen = github.requests.length;
    await act();
    await settle();
    expect(github.requests.slice(seen)).toEqual([]);
  }

  it.each([
    ['signed with another secret', async (body: string) => sign('another secret', body)],
    ['with no signature', async () => null],
    ['with a malformed signature', async () => 'sha256=nothex'],
    ['with the signature of another body', async () => sign(WEBHOOK_SECRET, '{"action":"created"}')],
  ])('refuses a delivery %s: 401 webhook.invalid_signature, nothing queued', async (_, signatureOf) => {
    const { key, apiKey } = await createKey(systemKey, { name: 'forged delivery' });
    const alert = newAlert(apiKey);
    const body = JSON.stringify(payloadOf(alert));
    await expectNothingQueued(async () => {
      const answer = await deliver(body, { signature: await signatureOf(body) });
      expect(answer.status, answer.text).toBe(401);
      expect(answer.body.code).toBe('webhook.invalid_signature');
    });
    expect((await keyOf(key.id)).status).toBe('active');
  });

  it.each([
    ['ping', { zen: 'Design for failure.', hook_id: 1 }],
    ['push', { ref: 'refs/heads/main' }],
  ])('answers a %s event 200 and does nothing', async (event, payload) => {
    await expectNothingQueued(async () => {
      const answer = await deliver(payload, { event });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ received: true });
    });
  });

  it.each(['resolved', 'validated'])('answers the alert action %s 200 and does nothing', async (action) => {
    const alert = newAlert('ghp_irrelevant');
    await expectNothingQueued(async () => {
      expect((await deliver(payloadOf(alert, action))).status).toBe(200);
    });
  });

  it("answers an alert for a secret type that is not Keyward's 200 and does nothing", async () => {
    const alert = newAlert('ghp_someoneElsesToken');
    const payload = payloadOf(alert);
    payload.alert.secret_type = 'github_personal_access_token';
    await expectNothingQueued(async () => {
      expect((await deliver(payload)).status).toBe(200);
    });
  });

  it('refuses a body over 1 MiB: 413, nothing queued', async () => {
    const alert = newAlert('ghp_irrelevant');
    const body = JSON.stringify({ ...payloadOf(alert), padding: 'x'.repeat(1024 * 1024) });
    await expectNothingQueued(async () => {
      const answer = await deliver(body);
      expect(answer.status).toBe(413);
      expect(answer.body.code).toBe('request.too_large');
    });
  });

  it('refuses a signed body that is not JSON (400 request.malformed_json) or not an alert from an App (400 request.invalid)', async () => {
    const alert = newAlert('ghp_irrelevant');
    const { installation: _, ...withoutInstallation } = payloadOf(alert);
    await expectNothingQueued(async () => {
      const malformed = await deliver('{"action": "created", ');
      expect([malformed.status, malformed.body.code]).toEqual([400, 'request.malformed_json']);
      const invalid = await deliver(withoutInstallation);
      expect([invalid.status, invalid.body.code]).toEqual([400, 'request.invalid']);
    });
  });
});

describe('logs', () => {
  it('hold no secret GitHub served, while they do hold the worker lines', () => {
    const logged = output.join('');
    expect(logged).toContain('github alert resolved');
    expect(logged).toContain('github alert failed');
    for (const secret of leakedSecrets) expect(logged).not.toContain(secret);
    expect(logged).not.toContain(WEBHOOK_SECRET);
    expect(logged).not.toContain('ghs_');
  });
});
