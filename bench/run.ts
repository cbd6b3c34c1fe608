import './quiet-environment.ts';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient, GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal, type RunningDynamoDb } from '#local/dynamodb-local.ts';
import { UseFileCounter } from '#local/use-counter.ts';
import { keywardTable } from '#shared/adapters/table-definition.ts';
import type { KeyRecord } from '#shared/ports.ts';
import { POLICY_CACHE_MS } from '#shared/services/tenant-policy.ts';
import { CallCounter, type CallCounts } from './call-counter.ts';
import { prepareCall, timedCall, type HandlerRequest } from './handler-call.ts';
import { checked, checkedRatio, formatReport, info, measurePhases, type Phase, type ReportRow } from './report.ts';
import { costPerMillion, estimatedMs, MEMORY_SIZES, profileCalls, type CallProfile } from './lambda-memory.ts';
import { functionSettings } from '../cdk/function-settings.ts';
import type { FunctionName } from '../cdk/function-access.ts';
import { DAY_MS, seedKey, seedKeys, writeKeys } from './seed-keys.ts';
import { startBenchIssuer } from './identity-issuer.ts';
import { startGithubStandIn } from './github-stand-in.ts';
import { sign } from '@octokit/webhooks-methods';
import { interleave, ms, percentile, type Measured } from './stats.ts';

const TABLE_NAME = 'keyward-bench';
const SEED_CONCURRENCY = 50;
const AUTH = { warmUp: 300, rounds: 300, countedCalls: 100, maxRatio: 1.5, maxFloorRatio: 1.15 };
const LIST = { smallTenantKeys: 100, largeTenantKeys: 10_000, pageSize: 25, warmUp: 20, rounds: 150, maxRatio: 1.5 };
const PURGE = { due: 200, notDue: 1_000, withoutPurgeAt: 1_000 };
const KEY_ID_TIMING = { warmUp: 30, rounds: 300, minRatio: 0.9, maxRatio: 1.1 };
const USE = { warmUp: 300, rounds: 300, countedCalls: 100, maxRatio: 1.2, parallel: 50, parallelLimit: 20 };
const REVOKE_ALL = { keys: 10_000 };
const MEMORY = { calls: 300 };
const LEAKS = { deliveries: 20, timeoutMs: 10_000 };
const PEOPLE = { warmUp: 200, rounds: 300, countedCalls: 100, maxRatio: 1.3, audience: 'bench-console' };

const log = (line: string) => console.log(line);
const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(1)} s`;
const count = (value: number) => value.toLocaleString('en-US');
const perCall = (total: number, calls: number) => (total / calls).toFixed(2).replace(/\.00$/, '');
const iso = (epochMs: number) => new Date(epochMs).toISOString();

type Runtime = Awaited<ReturnType<typeof loadRuntime>>;

/** The runtime reads its configuration when first loaded, so it is imported only after the environment is set. */
async function loadRuntime() {
  const [
    { getAdapters, getServices, createServices },
    { DEFAULT_TOKEN_LIFETIME_SECONDS, exchangeKeyForToken },
    { ensureTable },
    { bootstrapTenant },
    { purgeDueKeys },
  ] = await Promise.all([
    import('#shared/runtime.ts'),
    import('#shared/services/token-exchange.ts'),
    import('#shared/adapters/dynamodb/table.ts'),
    import('#shared/services/bootstrap.ts'),
    import('#shared/services/purge.ts'),
  ]);
  const bootstrap = (tenant: string) => bootstrapTenant(getAdapters(), tenant, new Date());
  return {
    getAdapters,
    getServices,
    createServices,
    exchangeKeyForToken,
    tokenLifetimeSeconds: DEFAULT_TOKEN_LIFETIME_SECONDS,
    ensureTable,
    bootstrap,
    purgeDueKeys,
  };
}

/** Phases 1 and 2: authenticate against a bare GetItem, then what a warm authenticate asks of DynamoDB and the cipher. */
async function benchAuthenticate(runtime: Runtime, counter: CallCounter, bare: DynamoDBClient): Promise<ReportRow[]> {
  const { config, store } = runtime.getAdapters();
  const tenant = await runtime.bootstrap('bench-auth');
  if (counter.snapshot().cipherCalls === 0) throw new Error('the cipher counter saw no call during bootstrap: the wrapping does not work');
  // Proves the middleware sees the DocumentClient's commands before trusting a count of zero.
  counter.reset();
  await store.keys.get(tenant.keyId);
  if (counter.snapshot().commands.GetItemCommand !== 1) throw new Error("the call counter does not see the store's commands");

  const request: HandlerRequest = { method: 'POST', url: '/v1/authentication', json: { apiKey: tenant.apiKey } };
  const authenticate: Measured = async () => (await timedCall(request, 200)).ms;
  const getItemInput = { TableName: config.tableName, Key: { pk: { S: `KEY#${tenant.keyId}` }, sk: { S: 'KEY' } }, ConsistentRead: true };
  // The floor of an authenticate: the bare GetItem, then the token signed in process. Its two
  // parts are kept apart too, for the ratio to the read alone and to show what signing costs.
  const { tokens } = await runtime.getServices();
  const key = await store.keys.get(tenant.keyId);
  if (!key) throw new Error('the authenticating key vanished');
  const parts = { get: [] as number[], signing: [] as number[] };
  const floor: Measured = async () => {
    const command = new GetItemCommand(getItemInput);
    const started = performance.now();
    const { Item } = await bare.send(command);
    const read = performance.now();
    if (!Item) throw new Error('the bare GetItem found no key item');
    await tokens.issue(key, runtime.tokenLifetimeSeconds, new Date());
    const signed = performance.now();
    parts.get.push(read - started);
    parts.signing.push(signed - read);
    return signed - started;
  };

  counter.reset();
  await authenticate();
  const cold = counter.snapshot();

  log(`authenticate vs GetItem + signing: ${AUTH.warmUp} warm-up rounds, then ${AUTH.rounds} interleaved rounds`);
  await interleave(AUTH.warmUp, authenticate, floor);
  parts.get.length = 0;
  parts.signing.length = 0;
  const samples = await interleave(AUTH.rounds, authenticate, floor);
  const auth = { p50: percentile(samples.a, 50), p99: percentile(samples.a, 99) };
  const get = { p50: percentile(parts.get, 50), p99: percentile(parts.get, 99) };
  const signingP50 = percentile(parts.signing, 50);
  const floorP50 = percentile(samples.b, 50);
  const ratio = auth.p50 / get.p50;
  const floorRatio = auth.p50 / floorP50;
  log(`  authenticate p50 ${ms(auth.p50)}, p99 ${ms(auth.p99)}; GetItem p50 ${ms(get.p50)}, p99 ${ms(get.p99)}; ratio ${ratio.toFixed(2)}`);
  log(
    `  signing p50 ${ms(signingP50)}; GetItem + signing p50 ${ms(floorP50)}; authenticate ÷ (GetItem + signing) ${floorRatio.toFixed(2)}`,
  );

  counter.reset();
  for (let i = 0; i < AUTH.countedCalls; i++) await authenticate();
  const warm = counter.snapshot();
  const calls = AUTH.countedCalls;
  log(`  ${calls} warm authenticates sent ${JSON.stringify(warm.commands)} and ${warm.cipherCalls} cipher calls`);

  return [
    info('authenticate p50 / p99', `${ms(auth.p50)} / ${ms(auth.p99)}`),
    info('  of which RS256 token signing p50', `${ms(signingP50)} (in process, no I/O)`),
    info('bare GetItem p50 / p99', `${ms(get.p50)} / ${ms(get.p99)}`),
    checkedRatio('authenticate p50 / GetItem p50', ratio, { max: AUTH.maxRatio }),
    checkedRatio('authenticate p50 / (GetItem + signing) p50', floorRatio, { max: AUTH.maxFloorRatio }),
    checked('DynamoDB reads per warm authenticate', perCall(warm.reads, calls), '1', warm.reads === calls),
    checked('DynamoDB writes per warm authenticate (the use is a log line)', perCall(warm.writes, calls), '0', warm.writes === 0),
    checked('KMS (cipher) calls per warm authenticate', perCall(warm.cipherCalls, calls), '0', warm.cipherCalls === 0),
    info('first (cold) authenticate', `reads ${cold.reads}, writes ${cold.writes}, cipher calls ${cold.cipherCalls}`),
  ];
}

/**
 * Phase 2b: a wrong secret for a key id that exists against a key id that does not. Both are
 * refused alike, and must cost alike, or the time of the answer tells whether a key id exists.
 */
async function benchKeyIdTiming(runtime: Runtime): Promise<ReportRow[]> {
  const { config } = runtime.getAdapters();
  const tenant = await runtime.bootstrap('bench-timing');
  const { formatApiKey, generateKeyId, generateSecret } = await import('#shared/domain/api-key.ts');
  const refused =
    (keyId: () => string): Measured =>
    async () => {
      const apiKey = formatApiKey(config.keyPrefix, { keyId: keyId(), secret: generateSecret() });
      return (await timedCall({ method: 'POST', url: '/v1/authentication', json: { apiKey } }, 401)).ms;
    };
  log(
    `wrong secret of a known key id vs unknown key id: ${KEY_ID_TIMING.warmUp} warm-up rounds, then ${KEY_ID_TIMING.rounds} interleaved rounds`,
  );
  const known = refused(() => tenant.keyId);
  const unknown = refused(generateKeyId);
  await interleave(KEY_ID_TIMING.warmUp, known, unknown);
  const samples = await interleave(KEY_ID_TIMING.rounds, known, unknown);
  const knownP50 = percentile(samples.a, 50);
  const unknownP50 = percentile(samples.b, 50);
  const ratio = knownP50 / unknownP50;
  log(`  known id p50 ${ms(knownP50)}, unknown id p50 ${ms(unknownP50)}; ratio ${ratio.toFixed(2)}`);
  const { minRatio, maxRatio } = KEY_ID_TIMING;
  return [
    info('refused authenticate p50: known id, wrong secret / unknown id', `${ms(knownP50)} / ${ms(unknownP50)}`),
    checkedRatio('known id ÷ unknown id (refusal time)', ratio, { min: minRatio, max: maxRatio }),
  ];
}

/**
 * Phase 2c: an authenticate with a key that has a rate limit and credits: one read, one
 * conditional write and one signature, measured against its floor, a bare GetItem plus a bare
 * UpdateItem plus the signature in process; then 50 parallel uses of a key limited to 20.
 */
async function benchLimitedUse(runtime: Runtime, counter: CallCounter, bare: DynamoDBClient): Promise<ReportRow[]> {
  const { config } = runtime.getAdapters();
  const tenant = await runtime.bootstrap('bench-limited');
  const create = async (input: Record<string, unknown>) => {
    const { result } = await timedCall(
      { method: 'POST', url: '/v1/keys', headers: { 'x-api-key': tenant.apiKey }, json: { name: 'limited', type: 'viewer', ...input } },
      201,
    );
    return JSON.parse(result.body) as { key: { id: string }; apiKey: string };
  };
  const limited = await create({ rateLimit: { limit: 1_000_000, windowSeconds: 86_400 }, credits: { remaining: 1_000_000 } });
  const plain = await create({});
  const use =
    (apiKey: string): Measured =>
    async () =>
      (await timedCall({ method: 'POST', url: '/v1/authentication', json: { apiKey } }, 200)).ms;
  const keyItem = { pk: { S: `KEY#${limited.key.id}` }, sk: { S: 'KEY' } };
  const { tokens } = await runtime.getServices();
  const limitedKey = await runtime.getAdapters().store.keys.get(limited.key.id);
  if (!limitedKey) throw new Error('the limited key vanished');
  const floor: Measured = async () => {
    const started = performance.now();
    await bare.send(new GetItemCommand({ TableName: config.tableName, Key: keyItem, ConsistentRead: true }));
    await bare.send(
      new UpdateItemCommand({
        TableName: config.tableName,
        Key: keyItem,
        UpdateExpression: 'SET benchCount = if_not_exists(benchCount, :zero) + :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' } },
      }),
    );
    await tokens.issue(limitedKey, runtime.tokenLifetimeSeconds, new Date());
    return performance.now() - started;
  };
  log(`limited use vs GetItem + UpdateItem + signing: ${USE.warmUp} warm-up rounds, then ${USE.rounds} interleaved rounds`);
  await interleave(USE.warmUp, use(limited.apiKey), floor);
  const samples = await interleave(USE.rounds, use(limited.apiKey), floor);
  const useP50 = percentile(samples.a, 50);
  const floorP50 = percentile(samples.b, 50);
  const ratio = useP50 / floorP50;
  log(`  limited use p50 ${ms(useP50)}; GetItem + UpdateItem + signing p50 ${ms(floorP50)}; ratio ${ratio.toFixed(2)}`);

  // A warm function also re-reads a tenant's policy once per POLICY_CACHE_MS (by design: a
  // policy change reaches it within that time); those reads are allowed on top of one per use.
  const perUse = async (apiKey: string) => {
    await use(apiKey)();
    counter.reset();
    const started = performance.now();
    for (let i = 0; i < USE.countedCalls; i++) await use(apiKey)();
    const policyReads = Math.ceil((performance.now() - started) / POLICY_CACHE_MS);
    return { ...counter.snapshot(), policyReads };
  };
  const limitedCounts = await perUse(limited.apiKey);
  const plainCounts = await perUse(plain.apiKey);
  const calls = USE.countedCalls;
  const oneReadPerUse = (counts: { reads: number; policyReads: number }) =>
    counts.reads >= calls && counts.reads <= calls + counts.policyReads;

  const race = await create({ rateLimit: { limit: USE.parallelLimit, windowSeconds: 86_400 } });
  const answers = await Promise.all(
    Array.from(
      { length: USE.parallel },
      async () => (await prepareCall({ method: 'POST', url: '/v1/authentication', json: { apiKey: race.apiKey } })).statusCode,
    ),
  );
  const allowed = answers.filter((status) => status === 200).length;
  log(`  ${USE.parallel} parallel uses of a key limited to ${USE.parallelLimit}: ${allowed} allowed`);
  return [
    info('use of a limited key p50 / (GetItem + UpdateItem + signing) p50', `${ms(useP50)} / ${ms(floorP50)}`),
    checkedRatio('limited use p50 / (GetItem + UpdateItem + signing) p50', ratio, { max: USE.maxRatio }),
    // Usage analytics add no write: the use is a log line, counted later in batches.
    checked(
      'reads / writes per use, key with rate limit and credits',
      `${perCall(limitedCounts.reads, calls)} / ${perCall(limitedCounts.writes, calls)}`,
      '1 / 1 (+1 read per tenant policy refresh)',
      oneReadPerUse(limitedCounts) && limitedCounts.writes === calls,
    ),
    checked(
      'reads / writes per use, key without limits',
      `${perCall(plainCounts.reads, calls)} / ${perCall(plainCounts.writes, calls)}`,
      '1 / 0 (+1 read per tenant policy refresh)',
      oneReadPerUse(plainCounts) && plainCounts.writes === 0,
    ),
    checked(
      `${USE.parallel} parallel uses, limit ${USE.parallelLimit}: allowed`,
      String(allowed),
      String(USE.parallelLimit),
      allowed === USE.parallelLimit,
    ),
  ];
}

/**
 * Phase 2e: usage analytics on against off, side by side: writes and recorded lines per use,
 * and the token exchange's p50 (a use is one log line, so on should cost what off costs);
 * then what counting the recorded lines in batches costs.
 */
async function benchAnalytics(runtime: Runtime, counter: CallCounter): Promise<ReportRow[]> {
  const adapters = runtime.getAdapters();
  const tenant = await runtime.bootstrap('bench-analytics');
  const on = await runtime.getServices();
  const off = await runtime.createServices({ ...adapters, config: { ...adapters.config, usageAnalytics: false } }, on.tokens);
  const exchange =
    (services: typeof on): Measured =>
    async () => {
      const started = performance.now();
      await runtime.exchangeKeyForToken(services, { apiKey: tenant.apiKey }, { sourceIp: null, now: new Date() });
      return performance.now() - started;
    };
  log(`token exchange, analytics on vs off: ${AUTH.warmUp} warm-up rounds, then ${AUTH.rounds} interleaved rounds`);
  await interleave(AUTH.warmUp, exchange(on), exchange(off));
  const samples = await interleave(AUTH.rounds, exchange(on), exchange(off));
  const onP50 = percentile(samples.a, 50);
  const offP50 = percentile(samples.b, 50);
  const usesFile = adapters.config.usesFile!;
  const recordedLines = () => readFileSync(usesFile, 'utf8').split('\n').length - 1;
  const perUse = async (services: typeof on) => {
    const lines = recordedLines();
    counter.reset();
    for (let i = 0; i < AUTH.countedCalls; i++) await exchange(services)();
    return { writes: counter.snapshot().writes / AUTH.countedCalls, lines: (recordedLines() - lines) / AUTH.countedCalls };
  };
  const withAnalytics = await perUse(on);
  const without = await perUse(off);
  log(`  p50 ${ms(onP50)} on, ${ms(offP50)} off; writes per use ${withAnalytics.writes} on, ${without.writes} off`);
  const ratio = onP50 / offP50;

  const lines = recordedLines();
  counter.reset();
  const started = performance.now();
  await new UseFileCounter(usesFile, adapters.store.usage).drain();
  const countingMs = performance.now() - started;
  const counting = counter.snapshot();
  log(`  counting ${count(lines)} recorded uses took ${ms(countingMs)}: ${JSON.stringify(counting.commands)}`);
  return [
    checked(
      'writes / recorded lines per use, analytics on',
      `${withAnalytics.writes} / ${withAnalytics.lines}`,
      '0 / 1',
      withAnalytics.writes === 0 && withAnalytics.lines === 1,
    ),
    checked(
      'writes / recorded lines per use, analytics off',
      `${without.writes} / ${without.lines}`,
      '0 / 0',
      without.writes === 0 && without.lines === 0,
    ),
    info(`counting ${count(lines)} recorded uses, off the request path`, `${ms(countingMs)}, ${counting.writes} transaction(s)`),
    info('token exchange p50, analytics on / off', `${ms(onP50)} / ${ms(offP50)}`),
    checkedRatio('token exchange p50, analytics on / off', ratio, { max: 1.1 }),
  ];
}

type BenchIssuer = Awaited<ReturnType<typeof startBenchIssuer>>;
type GithubStandIn = Awaited<ReturnType<typeof startGithubStandIn>>;

/**
 * Phase 2g: a leaked key on GitHub, from the signed webhook delivery to the key's refusal: the
 * receiver answers, the worker (in process here, behind SQS on AWS) takes an installation token,
 * reads the alert's secret, revokes the key and resolves the alert.
 */
async function benchLeakedKeys(runtime: Runtime, github: GithubStandIn, webhookSecret: string): Promise<ReportRow[]> {
  const tenant = await runtime.bootstrap('bench-leaks');
  const repository = 'bench-org/service';
  const times: number[] = [];
  for (let number = 1; number <= LEAKS.deliveries; number++) {
    const created = await timedCall(
      { method: 'POST', url: '/v1/keys', headers: { 'x-api-key': tenant.apiKey }, json: { name: `leaked ${number}`, type: 'viewer' } },
      201,
    );
    const { apiKey } = JSON.parse(created.result.body) as { apiKey: string };
    github.alert(repository, number, apiKey);
    const body = JSON.stringify({
      action: 'created',
      alert: {
        number,
        secret_type: 'keyward',
        state: 'open',
        html_url: `https://github.com/${repository}/security/secret-scanning/${number}`,
      },
      repository: { full_name: repository },
      installation: { id: 7 },
    });
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'secret_scanning_alert',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': await sign(webhookSecret, body),
    };
    const started = performance.now();
    await timedCall({ method: 'POST', url: '/v1/integrations/github/secret-scanning', headers, raw: body }, 200);
    for (;;) {
      const answer = await prepareCall({ method: 'POST', url: '/v1/authentication', json: { apiKey } });
      if (answer.statusCode !== 200) break;
      if (performance.now() - started > LEAKS.timeoutMs) throw new Error('a leaked key was still accepted after 10 s');
      await new Promise((done) => setTimeout(done, 5));
    }
    times.push(performance.now() - started);
    // The alert is resolved just after the key is revoked.
    while (!github.resolved(repository, number)) {
      if (performance.now() - started > LEAKS.timeoutMs) throw new Error('the alert of a revoked key was not resolved within 10 s');
      await new Promise((done) => setTimeout(done, 5));
    }
  }
  log(`  ${LEAKS.deliveries} leaks: delivery to refusal p50 ${ms(percentile(times, 50))}, max ${ms(Math.max(...times))}`);
  return [
    checked(
      'signed GitHub delivery to the leaked key refused, p50 / max (locally)',
      `${ms(percentile(times, 50))} / ${ms(Math.max(...times))}`,
      '< 5 s',
      Math.max(...times) < 5000,
    ),
  ];
}

/**
 * Phase 2e: a person's token exchange (an ID token verified against the provider's cached keys,
 * the person recorded, the sign-in audited) against a key's authenticate, side by side; and what
 * a warm exchange asks of the provider (nothing) and of DynamoDB.
 */
async function benchPeople(runtime: Runtime, counter: CallCounter, issuer: BenchIssuer): Promise<ReportRow[]> {
  const tenant = await runtime.bootstrap('bench-people');
  const idToken = await issuer.idToken({ sub: 'ada', email: 'ada@example.com', groups: ['bench-people-admins'] });
  const exchange: Measured = async () =>
    (
      await timedCall(
        {
          method: 'POST',
          url: '/v1/oauth/token',
          form: {
            grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
            subject_token: idToken,
            subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
          },
        },
        200,
      )
    ).ms;
  const authenticate: Measured = async () =>
    (await timedCall({ method: 'POST', url: '/v1/authentication', json: { apiKey: tenant.apiKey } }, 200)).ms;

  log(`person token exchange vs key authenticate: ${PEOPLE.warmUp} warm-up rounds, then ${PEOPLE.rounds} interleaved rounds`);
  await interleave(PEOPLE.warmUp, exchange, authenticate);
  const samples = await interleave(PEOPLE.rounds, exchange, authenticate);
  const personP50 = percentile(samples.a, 50);
  const keyP50 = percentile(samples.b, 50);
  const ratio = personP50 / keyP50;
  log(`  exchange p50 ${ms(personP50)}, p99 ${ms(percentile(samples.a, 99))}; authenticate p50 ${ms(keyP50)}; ratio ${ratio.toFixed(2)}`);

  const providerRequests = issuer.state.requests;
  counter.reset();
  for (let i = 0; i < PEOPLE.countedCalls; i++) await exchange();
  const warm = counter.snapshot();
  const asked = issuer.state.requests - providerRequests;
  const calls = PEOPLE.countedCalls;
  log(`  ${calls} warm exchanges sent ${JSON.stringify(warm.commands)} and ${asked} requests to the identity provider`);
  return [
    info('person token exchange p50 / key authenticate p50', `${ms(personP50)} / ${ms(keyP50)}`),
    checkedRatio('person token exchange p50 / key authenticate p50', ratio, { max: PEOPLE.maxRatio }),
    checked('identity provider requests per warm exchange', perCall(asked, calls), '0', asked === 0),
    info(
      'DynamoDB reads / writes per warm exchange',
      `${perCall(warm.reads, calls)} / ${perCall(warm.writes, calls)} (the sign-in's audit event; the person's record once per interval)`,
    ),
  ];
}

/**
 * Phase 2f: memory per function. Each route's warm calls are measured for wall and CPU time;
 * Lambda's CPU share grows with memory (a full vCPU at 1,769 MB), so each size gets an
 * estimated warm duration and cost, next to the size cdk/function-settings.ts gives it.
 */
async function benchMemory(runtime: Runtime): Promise<ReportRow[]> {
  const tenant = await runtime.bootstrap('bench-memory');
  const admin = { 'x-api-key': tenant.apiKey };
  const created = await timedCall({ method: 'POST', url: '/v1/keys', headers: admin, json: { name: 'memory', type: 'viewer' } }, 201);
  const { key, apiKey } = JSON.parse(created.result.body) as { key: { id: string }; apiKey: string };
  const routes: [FunctionName, HandlerRequest][] = [
    ['authenticate', { method: 'POST', url: '/v1/authentication', json: { apiKey } }],
    ['verify-key', { method: 'POST', url: '/v1/keys/verify', headers: admin, json: { apiKey } }],
    ['get-key', { method: 'GET', url: `/v1/keys/${key.id}`, headers: admin }],
    ['list-keys', { method: 'GET', url: '/v1/keys?limit=25', headers: admin }],
  ];
  const rows: ReportRow[] = [];
  log(`memory per function: ${MEMORY.calls} warm calls of each route, wall and CPU time`);
  for (const [route, request] of routes) {
    const profile: CallProfile = await profileCalls(route, request, 200, MEMORY.calls);
    const estimates = MEMORY_SIZES.map(
      (memory) => `${memory} MB ${ms(estimatedMs(profile, memory))} $${costPerMillion(profile, memory).toFixed(3)}`,
    );
    log(`  ${route}: wall p50 ${ms(profile.wallMs)}, CPU ${ms(profile.cpuMs)} per call; ${estimates.join('; ')}`);
    const configured = functionSettings[route].memorySize;
    rows.push(
      info(`${route}: CPU / wall per warm call`, `${ms(profile.cpuMs)} / ${ms(profile.wallMs)}`),
      info(
        `${route}: est. warm duration, $ per million (256 / 512 / 1024 / 1769 MB)`,
        MEMORY_SIZES.map((memory) => `${estimatedMs(profile, memory).toFixed(1)} ms $${costPerMillion(profile, memory).toFixed(2)}`).join(
          ' · ',
        ),
      ),
      info(
        `${route}: memory in cdk/function-settings.ts`,
        `${configured} MB: est. ${ms(estimatedMs(profile, configured))}, $${costPerMillion(profile, configured).toFixed(3)} per million`,
      ),
    );
  }
  return rows;
}

/** Phase 2d: revoke-all over a tenant of 10,000 keys: wall time and writes per key revoked. */
async function benchRevokeAll(runtime: Runtime, counter: CallCounter): Promise<ReportRow[]> {
  const { config, store } = runtime.getAdapters();
  const tenant = await runtime.bootstrap('bench-revoke-all');
  const keys = seedKeys(REVOKE_ALL.keys, (age) => seedKey(tenant.tenant, config.keyPrefix, new Date(), age, { ownerId: 'leaked' }));
  log(`seeding ${count(keys.length)} keys for revoke-all`);
  await writeKeys(store, keys, SEED_CONCURRENCY);
  counter.reset();
  const { ms: elapsed, result } = await timedCall(
    { method: 'POST', url: '/v1/keys/revoke-all', headers: { 'x-api-key': tenant.apiKey }, json: { reason: 'bench', ownerId: 'leaked' } },
    200,
  );
  const { revoked } = JSON.parse(result.body) as { revoked: number };
  const counts = counter.snapshot();
  log(`  revoke-all revoked ${count(revoked)} keys in ${seconds(elapsed)}: ${JSON.stringify(counts.commands)}`);
  return [
    checked(`revoke-all of ${count(REVOKE_ALL.keys)} keys: revoked`, count(revoked), count(REVOKE_ALL.keys), revoked === REVOKE_ALL.keys),
    info('revoke-all wall time', seconds(elapsed)),
    info('revoke-all write calls per key revoked', `${perCall(counts.writes, revoked)} (transactions of 50 keys, each key with its event)`),
  ];
}

/** Phase 3: the first page of keys of a small tenant and of a large one. */
async function benchListPage(runtime: Runtime, counter: CallCounter): Promise<ReportRow[]> {
  const { config, store } = runtime.getAdapters();
  const small = await runtime.bootstrap('bench-small');
  const large = await runtime.bootstrap('bench-large');
  const now = new Date();
  // Each tenant already holds its system key.
  const keys = [
    ...seedKeys(LIST.smallTenantKeys - 1, (age) => seedKey(small.tenant, config.keyPrefix, now, age)),
    ...seedKeys(LIST.largeTenantKeys - 1, (age) => seedKey(large.tenant, config.keyPrefix, now, age)),
  ];
  log(`seeding ${count(keys.length)} keys (${SEED_CONCURRENCY} writes in flight)`);
  const seedMs = await writeKeys(store, keys, SEED_CONCURRENCY);
  log(`  seeded in ${seconds(seedMs)} (${count(Math.round(keys.length / (seedMs / 1000)))} keys/s)`);

  const listPage =
    (apiKey: string): Measured =>
    async () => {
      const request: HandlerRequest = { method: 'GET', url: `/v1/keys?limit=${LIST.pageSize}`, headers: { 'x-api-key': apiKey } };
      const { ms: elapsed, result } = await timedCall(request, 200);
      const page = JSON.parse(result.body) as { items: unknown[]; nextCursor: string | null };
      if (page.items.length !== LIST.pageSize || page.nextCursor === null) {
        throw new Error(`a first list page held ${page.items.length} keys, not ${LIST.pageSize}, or had no nextCursor`);
      }
      return elapsed;
    };
  const itemsReadPerPage = async (apiKey: string) => {
    counter.reset();
    await listPage(apiKey)();
    return counter.snapshot().itemsScanned;
  };

  log(`GET /v1/keys?limit=${LIST.pageSize}: ${LIST.warmUp} warm-up rounds, then ${LIST.rounds} interleaved rounds`);
  await interleave(LIST.warmUp, listPage(large.apiKey), listPage(small.apiKey));
  const samples = await interleave(LIST.rounds, listPage(large.apiKey), listPage(small.apiKey));
  const largeP50 = percentile(samples.a, 50);
  const smallP50 = percentile(samples.b, 50);
  const ratio = largeP50 / smallP50;
  log(
    `  p50 ${ms(smallP50)} with ${count(LIST.smallTenantKeys)} keys, ${ms(largeP50)} with ${count(LIST.largeTenantKeys)} keys; ratio ${ratio.toFixed(2)}`,
  );
  const smallRead = await itemsReadPerPage(small.apiKey);
  const largeRead = await itemsReadPerPage(large.apiKey);

  return [
    info('seeding list tenants', `${count(keys.length)} keys in ${seconds(seedMs)}`),
    info(`list page p50, ${count(LIST.smallTenantKeys)} keys`, ms(smallP50)),
    info(`list page p50, ${count(LIST.largeTenantKeys)} keys`, ms(largeP50)),
    checkedRatio(`list page p50, ${count(LIST.largeTenantKeys)} / ${count(LIST.smallTenantKeys)} keys`, ratio, { max: LIST.maxRatio }),
    info('index items read per list page', `${smallRead} / ${largeRead}`),
  ];
}

/** Keys for the purge run: due (revoked long ago), not due yet (revoked lately or expiring later), and never due. */
function purgeFixture(tenant: string, keyPrefix: string, now: Date, retentionDays: number): KeyRecord[] {
  const retentionMs = retentionDays * DAY_MS;
  const at = now.getTime();
  const due = seedKeys(PURGE.due, (age) => {
    const revokedAt = at - retentionMs - DAY_MS - age;
    return seedKey(tenant, keyPrefix, now, retentionMs + 2 * DAY_MS + age, {
      status: 'revoked',
      revokedAt: iso(revokedAt),
      purgeAt: iso(revokedAt + retentionMs),
    });
  });
  const notDue = seedKeys(PURGE.notDue, (age, index) => {
    if (index % 2 === 0) {
      const revokedAt = at - DAY_MS + age;
      return seedKey(tenant, keyPrefix, now, 2 * DAY_MS + age, {
        status: 'revoked',
        revokedAt: iso(revokedAt),
        purgeAt: iso(revokedAt + retentionMs),
      });
    }
    const expiresAt = at + 10 * DAY_MS + age;
    return seedKey(tenant, keyPrefix, now, age, { expiresAt: iso(expiresAt), purgeAt: iso(expiresAt + retentionMs) });
  });
  const withoutPurgeAt = seedKeys(PURGE.withoutPurgeAt, (age) => seedKey(tenant, keyPrefix, now, age));
  return [...due, ...notDue, ...withoutPurgeAt];
}

/** Entries of the purge index, all or only those due by `dueBy`, counted with a bare client. */
async function purgeIndexSize(bare: DynamoDBClient, tableName: string, dueBy?: Date): Promise<number> {
  const index = keywardTable.indexes.byPurgeTime;
  let total = 0;
  let startKey: QueryCommand['input']['ExclusiveStartKey'];
  do {
    const page = await bare.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: dueBy ? '#pk = :pk AND #sk <= :due' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey, ...(dueBy ? { '#sk': index.sortKey } : {}) },
        ExpressionAttributeValues: { ':pk': { S: 'PURGE' }, ...(dueBy ? { ':due': { S: dueBy.toISOString() } } : {}) },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    total += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return total;
}

/** Phase 4: one purge run over a table where most keys are not due. */
async function benchPurge(runtime: Runtime, counter: CallCounter, bare: DynamoDBClient): Promise<ReportRow[]> {
  const { config, store } = runtime.getAdapters();
  const tenant = await runtime.bootstrap('bench-purge');
  const keys = purgeFixture(tenant.tenant, config.keyPrefix, new Date(), config.retentionDays);
  log(
    `seeding ${count(keys.length)} keys for the purge (${PURGE.due} due, ${count(PURGE.notDue)} not due, ${count(PURGE.withoutPurgeAt)} without purgeAt)`,
  );
  const seedMs = await writeKeys(store, keys, SEED_CONCURRENCY);
  log(`  seeded in ${seconds(seedMs)}`);

  counter.reset();
  const started = performance.now();
  const now = new Date();
  const result = await runtime.purgeDueKeys(store, now, { auditRetentionDays: config.auditRetentionDays });
  const elapsed = performance.now() - started;
  const counts: CallCounts = counter.snapshot();
  log(`  purge took ${seconds(elapsed)}: ${JSON.stringify(counts.commands)}; it reports ${JSON.stringify(result)}`);

  const dueLeft = await purgeIndexSize(bare, config.tableName, now);
  const kept = await purgeIndexSize(bare, config.tableName);
  const readNotPurged = counts.itemsScanned - result.purged;
  const lookahead = counts.largestQueryLimit;
  return [
    info('seeding purge fixture', `${count(keys.length)} keys in ${seconds(seedMs)}`),
    info(
      'purge: index items read / keys purged',
      `${counts.itemsScanned} / ${result.purged} (Query calls: ${counts.commands.QueryCommand ?? 0})`,
    ),
    checked('purge: items read but not purged', String(readNotPurged), `<= ${lookahead} (one page)`, readNotPurged <= lookahead),
    checked('purge: Scan calls', String(counts.scans), '0', counts.scans === 0),
    checked('purge: due keys left in the index', String(dueLeft), '0', dueLeft === 0),
    checked('purge: keys not due kept', count(kept), count(PURGE.notDue), kept === PURGE.notDue),
  ];
}

async function runBenchmark(
  endpoint: string,
  issuer: BenchIssuer,
  github: { standIn: GithubStandIn; webhookSecret: string },
): Promise<ReportRow[]> {
  const runtime = await loadRuntime();
  const adapters = runtime.getAdapters();
  const counter = new CallCounter();
  counter.attach(adapters.dynamoDb);
  // Before anything builds the services, which keep the cipher instance they are given.
  counter.wrapCipher(adapters.cipher);
  const bare = new DynamoDBClient({
    endpoint,
    region: adapters.config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await runtime.ensureTable(adapters.dynamoDb, adapters.config.tableName);
    // Authentication first: the signing key is re-read every few minutes, which would add a read to a warm call.
    // Revoke-all last: its 10,000 revoked keys enter the purge index.
    const phases: Phase[] = [
      ['authenticate', () => benchAuthenticate(runtime, counter, bare)],
      ['key id timing', () => benchKeyIdTiming(runtime)],
      ['limited use', () => benchLimitedUse(runtime, counter, bare)],
      ['analytics', () => benchAnalytics(runtime, counter)],
      ['people', () => benchPeople(runtime, counter, issuer)],
      ['leaked keys', () => benchLeakedKeys(runtime, github.standIn, github.webhookSecret)],
      ['memory', () => benchMemory(runtime)],
      ['list page', () => benchListPage(runtime, counter)],
      ['purge', () => benchPurge(runtime, counter, bare)],
      ['revoke-all', () => benchRevokeAll(runtime, counter)],
    ];
    const rows = await measurePhases(phases, (line) => console.error(line));
    return rows;
  } finally {
    bare.destroy();
    adapters.dynamoDb.destroy();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
  let dynamoDb: RunningDynamoDb | undefined;
  const issuer = await startBenchIssuer(PEOPLE.audience);
  const github = await startGithubStandIn();
  const webhookSecret = randomUUID();
  try {
    dynamoDb = await startDynamoDbLocal();
    log(`DynamoDB Local (in memory) answers on port ${dynamoDb.port}`);
    Object.assign(process.env, {
      KEYWARD_DYNAMODB_ENDPOINT: dynamoDb.endpoint,
      KEYWARD_TABLE_NAME: TABLE_NAME,
      KEYWARD_CIPHER: 'local',
      KEYWARD_KEYRING_FILE: join(scratch, 'keyring.key'),
      // As locally: uses go to a file (in Lambda, to standard output: a write of the same size).
      KEYWARD_USES_FILE: join(scratch, 'uses.ndjson'),
      KEYWARD_GITHUB_API_URL: github.url,
      KEYWARD_GITHUB_WEBHOOK_SECRET_FILE: join(scratch, 'webhook-secret'),
      KEYWARD_GITHUB_APP_FILE: join(scratch, 'github-app.json'),
      KEYWARD_GITHUB_DEAD_LETTER_FILE: join(scratch, 'github-dead-letters.ndjson'),
      KEYWARD_IDENTITY_PROVIDERS: JSON.stringify([
        { id: 'bench', name: 'Bench', issuer: issuer.issuer, audiences: [PEOPLE.audience], groupPattern: '{tenant}-{role}s' },
      ]),
    });
    writeFileSync(join(scratch, 'webhook-secret'), webhookSecret);
    writeFileSync(join(scratch, 'github-app.json'), JSON.stringify({ appId: '1', privateKey: github.appPrivateKey }));
    const rows = await runBenchmark(dynamoDb.endpoint, issuer, { standIn: github, webhookSecret });
    log('');
    log(formatReport(rows));
    log('');
    log(`benchmark finished in ${seconds(performance.now() - started)}`);
    if (rows.some((row) => row.verdict === 'FAIL')) process.exitCode = 1;
  } finally {
    await issuer.close();
    await github.close();
    await dynamoDb?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

// A MISS is a finding and exits 0; only a failure to measure (a FAIL row, or no report at all) exits 1.
main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
