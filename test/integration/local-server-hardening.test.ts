import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { freePort } from '#local/dynamodb-local.ts';
import { createLocalServer } from '#local/server.ts';
import { newTenant } from '../support/api.ts';

// The local server over real HTTP, with DynamoDB Local behind it: requests API Gateway or
// WAF would refuse get the API's JSON errors, and nothing a client sends crashes the server.

/** Lets a test make the next handler call throw, to reach the server's last-resort catch. */
const failure = vi.hoisted(() => ({ next: undefined as Error | undefined }));
vi.mock('#local/invoke.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('#local/invoke.ts')>();
  return {
    ...original,
    prepareRouteCall: (...args: Parameters<typeof original.prepareRouteCall>) => {
      const error = failure.next;
      failure.next = undefined;
      return error ? Promise.reject(error) : original.prepareRouteCall(...args);
    },
  };
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

interface Send {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The client's own address: another 127.0.0.0/8 address is another client. */
  localAddress?: string;
}

/** One request with the path sent exactly as written (fetch would normalise it). */
function send(port: number, path: string, options: Send = {}): Promise<Answer> {
  return new Promise((done, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.localAddress,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          done({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A raw HTTP/1.0 request (so the answer is not chunked), for targets no client library sends. */
function sendRaw(port: number, target: string): Promise<string> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`));
    let text = '';
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      done(text);
    });
  });
}

/** The API's error shape: code, a message, and a requestId equal to the x-request-id header. */
function expectApiError(answer: Answer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.body).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
  expect(
    Object.keys(answer.body)
      .filter((name) => name !== 'details')
      .sort(),
  ).toEqual(['code', 'message', 'requestId']);
  expect(answer.body.message.length).toBeGreaterThan(10);
  expect(answer.headers['x-request-id']).toBe(answer.body.requestId);
}

async function listen(server: Server): Promise<number> {
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return port;
}

const close = (server: Server) => new Promise((done) => server.close(done));

const servers: Server[] = [];
let systemKey: string;
let port: number;

beforeAll(async () => {
  systemKey = (await newTenant('hardening')).apiKey;
  const server = createLocalServer();
  servers.push(server);
  port = await listen(server);
});

afterAll(() => Promise.all(servers.map(close)));

describe('local server: requests it cannot route as they are', () => {
  it('treats a query parameter named like an Object.prototype member as an unknown parameter', async () => {
    const auth = { 'x-api-key': systemKey };
    for (const query of [
      '__proto__=1',
      '__proto__=1&__proto__=2',
      'constructor=1',
      'hasOwnProperty=1',
      'toString=1&limit=5',
      '__proto__[limit]=1',
    ]) {
      const answer = await send(port, `/v1/keys?${query}`, { headers: auth });
      expectApiError(answer, 400, 'request.invalid');
      expect(answer.body.message, query).toMatch(/query/i);
    }
    expectApiError(await send(port, '/v1/whoami?__proto__=1', { headers: auth }), 400, 'request.invalid');
    // Who is calling still comes first.
    expectApiError(await send(port, '/v1/keys?__proto__=1'), 401, 'auth.missing_credentials');
    // And ordinary query parameters still work.
    expect((await send(port, '/v1/keys?limit=5', { headers: auth })).status).toBe(200);
  });

  it('answers a broken percent-escape in a path parameter with 400, whoever calls', async () => {
    for (const [method, path] of [
      ['GET', '/v1/keys/%E0%A4%A'],
      ['GET', '/v1/keys/%ZZ'],
      ['GET', '/v1/keys/%'],
      ['GET', '/v1/keys/%C3%28'],
      ['PATCH', '/v1/keys/abc%FF'],
      ['POST', '/v1/keys/%E0%A4%A/revoke'],
    ] as const) {
      for (const headers of [{}, { 'x-api-key': systemKey }] as Record<string, string>[]) {
        const answer = await send(port, path, {
          method,
          headers: { ...headers, 'content-type': 'application/json' },
          body: method === 'GET' ? undefined : '{}',
        });
        expectApiError(answer, 400, 'request.invalid');
        expect(answer.body.message, `${method} ${path}`).toMatch(/percent/i);
      }
    }
    // A well-formed escape still reaches the handler.
    expectApiError(await send(port, '/v1/keys/%41AAAAAAAAAAAAAAA', { headers: { 'x-api-key': systemKey } }), 404, 'key.not_found');
  });

  it('answers a request target it cannot parse with 400, and keeps serving', async () => {
    const raw = await sendRaw(port, 'http://[');
    expect(raw).toMatch(/^HTTP\/1\.[01] 400 /);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ code: 'request.invalid', message: expect.any(String) });
    expect((await send(port, '/.well-known/jwks.json')).status).toBe(200);
  });

  it("never shows an unexpected error's text to the client", async () => {
    failure.next = new Error('secret detail: password=hunter2 at /srv/keyward/local/server.ts:42');
    const answer = await send(port, '/v1/whoami', { headers: { 'x-api-key': systemKey } });
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expectApiError(answer, answer.status, 'internal.error');
    expect(answer.text).not.toMatch(/secret|hunter2|server\.ts|Error/);
    expect((await send(port, '/v1/whoami', { headers: { 'x-api-key': systemKey } })).status).toBe(200);
  });
});

describe('local server: per-address rate limits', () => {
  async function limitedServer(rateLimits: { tokenRoutesPerMinute?: number; apiPerMinute?: number }) {
    const server = createLocalServer({ rateLimits });
    servers.push(server);
    return listen(server);
  }

  const authenticate = (port: number, localAddress?: string) =>
    send(port, '/v1/authentication', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: 'kw_not_a_real_key' }),
      localAddress,
    });

  function expectThrottled(answer: Answer) {
    expectApiError(answer, 429, 'request.throttled');
    const retryAfter = String(answer.headers['retry-after']);
    expect(retryAfter).toMatch(/^[0-9]+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  }

  it('answers 429 with Retry-After after the token-route limit, for that address only', async () => {
    const limited = await limitedServer({ tokenRoutesPerMinute: 5 });
    for (let i = 0; i < 5; i++) expectApiError(await authenticate(limited), 401, 'authentication.invalid_api_key');
    expectThrottled(await authenticate(limited));
    // Both token routes share the limit, with or without a trailing slash, as the WAF rule does.
    expectThrottled(
      await send(limited, '/v1/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      }),
    );
    expectThrottled(await send(limited, '/v1/authentication/', { method: 'POST' }));
    // Other routes still answer, and so does another address.
    expect((await send(limited, '/v1/whoami', { headers: { 'x-api-key': systemKey } })).status).toBe(200);
    expect((await send(limited, '/.well-known/jwks.json')).status).toBe(200);
    expectApiError(await authenticate(limited, '127.0.0.2'), 401, 'authentication.invalid_api_key');
  });

  it('limits all /v1/ routes per address, but not discovery documents', async () => {
    const limited = await limitedServer({ apiPerMinute: 5 });
    const auth = { 'x-api-key': systemKey };
    for (let i = 0; i < 5; i++) expect((await send(limited, '/v1/whoami', { headers: auth })).status).toBe(200);
    expectThrottled(await send(limited, '/v1/whoami', { headers: auth }));
    expectThrottled(await send(limited, '/v1/no-such-route'));
    expectThrottled(await authenticate(limited));
    expect((await send(limited, '/.well-known/jwks.json')).status).toBe(200);
    expect((await send(limited, '/openapi.json')).status).toBe(200);
    expect((await send(limited, '/v1/whoami', { headers: auth, localAddress: '127.0.0.2' })).status).toBe(200);
  });

  it('turns a limit off with 0, and by default lets a burst of concurrent requests through', async () => {
    const unlimited = await limitedServer({ tokenRoutesPerMinute: 0, apiPerMinute: 0 });
    const answers = await Promise.all(Array.from({ length: 30 }, () => authenticate(unlimited)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(401));
    const burst = await Promise.all(Array.from({ length: 300 }, () => send(port, '/v1/oauth/token', { method: 'POST' })));
    expect(burst.filter((answer) => answer.status === 429)).toHaveLength(0);
  });
});

describe('RateLimiter', () => {
  let RateLimiter: typeof import('#local/rate-limit.ts').RateLimiter;
  beforeAll(async () => {
    ({ RateLimiter } = await import('#local/rate-limit.ts'));
  });

  it('counts requests per client in a fixed window and says how long to wait', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(3, 60_000, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([undefined, undefined, undefined]);
    expect(limiter.take('a')).toBe(60);
    expect(limiter.take('b')).toBeUndefined();
    now += 45_500;
    expect(limiter.take('a')).toBe(15);
    now += 14_500;
    expect(limiter.take('a')).toBeUndefined();
  });

  it('is off with a limit of 0', () => {
    const limiter = new RateLimiter(0, 60_000);
    for (let i = 0; i < 1000; i++) expect(limiter.take('a')).toBeUndefined();
    expect(limiter.size).toBe(0);
  });

  it('keeps bounded memory: ended windows are dropped, and past the cap new clients share one count', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now, 100);
    for (let i = 0; i < 100; i++) limiter.take(`10.0.0.${i}`);
    expect(limiter.size).toBe(100);
    // Past the cap: every new address counts against the same shared window.
    expect([limiter.take('192.0.2.1'), limiter.take('192.0.2.2'), limiter.take('192.0.2.3')]).toEqual([undefined, undefined, 60]);
    expect(limiter.size).toBeLessThanOrEqual(101);
    now += 60_000;
    expect(limiter.take('192.0.2.3')).toBeUndefined();
    expect(limiter.size).toBe(1);
  });
});
