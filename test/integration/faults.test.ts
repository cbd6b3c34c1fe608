import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';

// This file reads log lines and metrics: turn both on before the runtime loads.
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
const { DynamoDBServiceException, InternalServerError, ProvisionedThroughputExceededException, RequestLimitExceeded, ThrottlingException } =
  await import('@aws-sdk/client-dynamodb');
const { call, createKey, newTenant, tokenFor, withKey, withToken } = await import('../support/api.ts');
const { getServices } = await import('#shared/runtime.ts');
const { dependencyLimits } = await import('#shared/adapters/aws-clients.ts');
const { withMiddleware } = await import('../support/dynamodb-calls.ts');

const output: string[] = [];
const originals = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };

/** Text of AWS's own that must never reach a caller. */
const AWS_TEXT = 'Rate of requests exceeds the allowed throughput on table keyward-prod';
const leaks =
  /exceeds|keyward-prod|AWS-REQUEST-ID|ECONN|EPIPE|Timeout|Throttl|Provisioned|InternalServer|ServiceUnavailable|RequestLimit|\bat /;
const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode, requestId: 'AWS-REQUEST-ID-1234' } });
const socketError = (code: string) => Object.assign(new Error(`${AWS_TEXT}: ${code} 10.0.0.1:443`), { code, syscall: 'connect' });

/** Errors as the SDK throws them when DynamoDB cannot answer in time. */
const dynamoDbFaults: Record<string, { error: () => Error; service: boolean }> = {
  ProvisionedThroughputExceededException: {
    error: () => new ProvisionedThroughputExceededException({ message: AWS_TEXT, ...metadata(400) }),
    service: true,
  },
  ThrottlingException: { error: () => new ThrottlingException({ message: AWS_TEXT, ...metadata(400) }), service: true },
  RequestLimitExceeded: { error: () => new RequestLimitExceeded({ message: AWS_TEXT, ...metadata(400) }), service: true },
  InternalServerError: { error: () => new InternalServerError({ message: AWS_TEXT, ...metadata(500) }), service: true },
  'a bare 503': {
    error: () => new DynamoDBServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: AWS_TEXT, ...metadata(503) }),
    service: true,
  },
  TimeoutError: {
    error: () => Object.assign(new Error(`${AWS_TEXT}: requestTimeout`), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
    service: false,
  },
  ECONNREFUSED: { error: () => socketError('ECONNREFUSED'), service: false },
  ECONNRESET: { error: () => socketError('ECONNRESET'), service: false },
  EPIPE: { error: () => socketError('EPIPE'), service: false },
};

let tenant: { apiKey: string; keyId: string };
let token: string;
let member: { key: { id: string }; apiKey: string; keySecret: string };

beforeAll(async () => {
  const capture = (chunk: unknown) => {
    output.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  tenant = await newTenant('faults');
  token = await tokenFor(tenant.apiKey);
  member = await createKey(tenant.apiKey, { name: 'member', type: 'viewer' });
  await getServices();
});

afterAll(() => {
  process.stdout.write = originals.stdout;
  process.stderr.write = originals.stderr;
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The routes a dependency fault is tried on: token routes, management, verify, an idempotent create. */
const requests = {
  authenticate: () => call('POST', '/v1/authentication', { json: { apiKey: member.apiKey } }),
  'oauth token': () =>
    call('POST', '/v1/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      raw: `grant_type=client_credentials&client_id=${member.key.id}&client_secret=${member.keySecret}`,
    }),
  'list keys': () => call('GET', '/v1/keys', { headers: withKey(tenant.apiKey) }),
  verify: () => call('POST', '/v1/keys/verify', { headers: withToken(token), json: { apiKey: member.apiKey } }),
  'idempotent create': () =>
    call('POST', '/v1/keys', {
      headers: { ...withKey(tenant.apiKey), 'idempotency-key': `fault-${Math.random()}` },
      json: { name: 'never', type: 'viewer' },
    }),
};

function expectUnavailable(name: string, response: Awaited<ReturnType<typeof call>>) {
  expect(response.status, response.text).toBe(503);
  expect(response.headers['retry-after']).toBe(String(dependencyLimits.retryAfterSeconds));
  if (name === 'oauth token') expect(response.body).toEqual({ error: 'server_error', error_description: expect.any(String) });
  else
    expect(response.body).toEqual({
      code: 'service.unavailable',
      message: expect.any(String),
      requestId: response.headers['x-request-id'],
    });
  expect(response.text).not.toMatch(leaks);
}

describe('DynamoDB not answering in time, as the SDK reports it', () => {
  for (const [fault, { error, service }] of Object.entries(dynamoDbFaults)) {
    it(`${fault}: every kind of route answers 503 with Retry-After and no AWS text, logs and counts it, and recovers`, async () => {
      const before = output.length;
      const dynamoDb = mockClient(DynamoDBDocumentClient);
      dynamoDb.onAnyCommand().rejects(error());
      try {
        for (const [name, send] of Object.entries(requests)) expectUnavailable(name, await send());
      } finally {
        dynamoDb.restore();
      }
      const logs = output.slice(before).join('');
      const lines = logs.split('\n').filter((line) => line.includes('"dependency unavailable"'));
      expect(lines).toHaveLength(Object.keys(requests).length);
      for (const line of lines) {
        expect(JSON.parse(line)).toMatchObject({
          level: 'WARN',
          dependency: service ? 'dynamodb' : expect.any(String),
          cause: fault === 'a bare 503' ? 'ServiceUnavailable' : fault,
        });
      }
      expect(logs).toContain('"DependencyUnavailable"');
      expect(logs).not.toContain('"request failed"');
      // Once DynamoDB answers again, so does every route, with no restart.
      expect((await requests.authenticate()).status).toBe(200);
      expect((await requests['list keys']()).status).toBe(200);
    });
  }

  it('anything else DynamoDB refuses stays a bare 500', async () => {
    const dynamoDb = mockClient(DynamoDBDocumentClient);
    dynamoDb
      .onAnyCommand()
      .rejects(new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', message: AWS_TEXT, ...metadata(400) }));
    try {
      const response = await requests['list keys']();
      expect(response.status).toBe(500);
      expect(response.body.code).toBe('internal.error');
      expect(response.headers['retry-after']).toBeUndefined();
    } finally {
      dynamoDb.restore();
    }
  });
});

describe('the real client', () => {
  it('retries a throttled call within its budget, then answers 503 naming DynamoDB in the log', async () => {
    let attempts = 0;
    const before = output.length;
    // Short backoffs, so all attempts fit the budget whatever the jitter.
    vi.spyOn(Math, 'random').mockReturnValue(0.1);
    const started = Date.now();
    const response = await withMiddleware(
      (next, context) => async (args) => {
        if (context.commandName !== 'GetItemCommand') return next(args);
        attempts++;
        throw new ProvisionedThroughputExceededException({ message: AWS_TEXT, ...metadata(400) });
      },
      'finalizeRequest',
      requests.authenticate,
    );
    expectUnavailable('authenticate', response);
    expect(attempts).toBe(dependencyLimits.maxAttempts);
    expect(Date.now() - started).toBeLessThan(dependencyLimits.callBudgetMs + 500);
    const line = output
      .slice(before)
      .join('')
      .split('\n')
      .find((l) => l.includes('"dependency unavailable"'))!;
    expect(JSON.parse(line)).toMatchObject({
      dependency: 'dynamodb',
      kind: 'throttled',
      cause: 'ProvisionedThroughputExceededException',
      route: '/v1/authentication',
    });
  });

  it('cuts a call whose attempts keep timing out at its budget, and sends no attempt after it', async () => {
    let attempts = 0;
    const started = Date.now();
    const response = await withMiddleware(
      (next, context) => async (args) => {
        if (context.commandName !== 'GetItemCommand') return next(args);
        attempts++;
        // Each attempt waits out the request timeout, as against a store that accepts and never answers.
        await new Promise((done) => setTimeout(done, dependencyLimits.requestTimeoutMs + 100));
        throw timeoutAfterWrite();
      },
      'finalizeRequest',
      requests.authenticate,
    );
    const elapsed = Date.now() - started;
    expectUnavailable('authenticate', response);
    expect(elapsed).toBeGreaterThanOrEqual(dependencyLimits.callBudgetMs - 50);
    expect(elapsed).toBeLessThan(dependencyLimits.callBudgetMs + 500);
    await new Promise((done) => setTimeout(done, dependencyLimits.requestTimeoutMs + 500));
    expect(attempts).toBe(2);
  });
});

/** The tenant's keys and audit events, read through the API. */
async function keysAndEvents(apiKey: string) {
  const keys = await call('GET', '/v1/keys?limit=100', { headers: withKey(apiKey) });
  const audit = await call('GET', '/v1/audit?limit=100', { headers: withKey(apiKey) });
  expect(keys.body.nextCursor).toBeNull();
  expect(audit.body.nextCursor).toBeNull();
  return {
    keys: keys.body.items as { id: string; name: string }[],
    events: audit.body.items as { action: string; keyId: string | null }[],
  };
}

const timeoutAfterWrite = () => Object.assign(new Error(`${AWS_TEXT}: requestTimeout`), { name: 'TimeoutError', code: 'ETIMEDOUT' });

describe('nothing partial', () => {
  it('a create or update refused by a fault is absent or whole: no key without its event, no event without its key', async () => {
    const own = await newTenant('faults-atomic');
    const headers = withKey(own.apiKey);
    const { key: kept } = await createKey(own.apiKey, { name: 'kept' });
    const faults = [
      { when: 'before', error: () => new ProvisionedThroughputExceededException({ message: AWS_TEXT, ...metadata(400) }) },
      { when: 'before', error: () => socketError('ECONNRESET') },
      { when: 'after', error: timeoutAfterWrite },
    ] as const;
    let refused = 0;
    for (const fault of faults) {
      for (let i = 0; i < 2; i++) {
        const answers = await withMiddleware(
          (next, context) => async (args) => {
            if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
            if (fault.when === 'after') await next(args);
            throw fault.error();
          },
          'initialize',
          async () => [
            await call('POST', '/v1/keys', { headers, json: { name: `attempt ${fault.when} ${i}`, type: 'viewer' } }),
            await call('PATCH', `/v1/keys/${kept.id}`, { headers, json: { name: `renamed ${fault.when} ${i}` } }),
          ],
        );
        for (const answer of answers) expectUnavailable('create', answer);
        refused += answers.length;
      }
    }
    expect(refused).toBe(12);
    const { keys, events } = await keysAndEvents(own.apiKey);
    const created = events.filter((event) => event.action === 'key.create').map((event) => event.keyId);
    const bootstrapped = events.filter((event) => event.action === 'tenant.bootstrap').map((event) => event.keyId);
    // Every key has its creation event and every creation event its key.
    expect(keys.map((key) => key.id).sort()).toEqual([...created, ...bootstrapped].sort());
    // Writes refused before they reached the table left nothing; those cut off after it landed are whole.
    expect(
      keys
        .map((key) => key.name)
        .filter((name) => name.startsWith('attempt'))
        .sort(),
    ).toEqual(['attempt after 0', 'attempt after 1']);
    const renames = events.filter((event) => event.action === 'key.update' && event.keyId === kept.id).length;
    const current = keys.find((key) => key.id === kept.id)!;
    expect(renames).toBe(2);
    expect(current.name).toBe('renamed after 1');
  });

  it('an idempotent create whose write landed but whose answer timed out is answered on retry with the same key', async () => {
    const own = await newTenant('faults-idempotent');
    const headers = { ...withKey(own.apiKey), 'idempotency-key': 'timed-out-after-write' };
    const body = { name: 'landed', type: 'viewer' };
    let failed = 0;
    const first = await withMiddleware(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand' || failed > 0) return next(args);
        await next(args);
        failed++;
        throw timeoutAfterWrite();
      },
      'initialize',
      () => call('POST', '/v1/keys', { headers, json: body }),
    );
    expect(failed).toBe(1);
    expectUnavailable('create', first);
    const retry = await call('POST', '/v1/keys', { headers, json: body });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const { keys, events } = await keysAndEvents(own.apiKey);
    expect(keys.filter((key) => key.name === 'landed').map((key) => key.id)).toEqual([retry.body.key.id]);
    expect(events.filter((event) => event.action === 'key.create').map((event) => event.keyId)).toEqual([retry.body.key.id]);
    expect((await call('POST', '/v1/authentication', { json: { apiKey: retry.body.apiKey } })).status).toBe(200);
  });

  it("a create whose transaction the SDK itself resends after a timeout is written once (the transaction's client token)", async () => {
    const own = await newTenant('faults-resent');
    let attempts = 0;
    const response = await withMiddleware(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
        attempts++;
        const result = await next(args);
        if (attempts === 1) throw timeoutAfterWrite();
        return result;
      },
      'finalizeRequest',
      () => call('POST', '/v1/keys', { headers: withKey(own.apiKey), json: { name: 'resent', type: 'viewer' } }),
    );
    expect(attempts).toBe(2);
    expect(response.status, response.text).toBe(201);
    const { keys, events } = await keysAndEvents(own.apiKey);
    expect(keys.filter((key) => key.name === 'resent').map((key) => key.id)).toEqual([response.body.key.id]);
    expect(events.filter((event) => event.action === 'key.create')).toHaveLength(1);
  });
});

describe('public routes while the store is gone', () => {
  it('serve the JWKS last read (and log the failed refresh), discovery and the OpenAPI document', async () => {
    const first = await call('GET', '/.well-known/jwks.json');
    expect(first.status).toBe(200);
    const before = output.length;
    const dynamoDb = mockClient(DynamoDBDocumentClient);
    dynamoDb.onAnyCommand().rejects(socketError('ECONNREFUSED'));
    try {
      // Past the refresh interval: the JWKS would be read again.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 3_600_000);
      for (let i = 0; i < 3; i++) {
        const jwks = await call('GET', '/.well-known/jwks.json');
        expect(jwks.status).toBe(200);
        expect(jwks.body).toEqual(first.body);
      }
      expect(dynamoDb.calls()).toHaveLength(1);
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/openapi.json']) {
        expect((await call('GET', path)).status, path).toBe(200);
      }
      expectUnavailable('list keys', await requests['list keys']());
    } finally {
      dynamoDb.restore();
    }
    const logs = output.slice(before).join('');
    expect(logs).toContain('signing keys refresh failed; serving the keys last read');
  });
});
