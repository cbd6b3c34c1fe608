import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import * as z from 'zod/mini';
import { call, createKey, newTenant, withKey, type ApiResponse } from '../support/api.ts';
import { routeList, routes, type RouteDefinition, type RouteId } from '#shared/http/routes.ts';
import { authenticationResponse, errorResponse, keyListResponse, oauthErrorResponse, oauthTokenResponse } from '#shared/http/schemas.ts';
import type { ErrorCode } from '#shared/errors.ts';
import { getAdapters } from '#shared/runtime.ts';

// Bodies over 16 KiB get 413, unless the route takes more (GitHub's webhook).
const BODY_LIMIT = 16 * 1024;

// GitHub's webhook is signed with this deployment's webhook secret: this file's own.
const WEBHOOK_SECRET = 'bad-input webhook secret';
process.env.KEYWARD_GITHUB_WEBHOOK_SECRET_FILE = join(mkdtempSync(join(tmpdir(), 'keyward-inputs-')), 'webhook-secret');
writeFileSync(process.env.KEYWARD_GITHUB_WEBHOOK_SECRET_FILE, WEBHOOK_SECRET);
/** A ping delivery's headers, signed over the body as sent. */
const webhookHeaders = async (body: string): Promise<Headers> => ({
  'x-github-event': 'ping',
  'x-github-delivery': randomUUID(),
  'x-hub-signature-256': await sign(WEBHOOK_SECRET, body),
});

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Route = RouteDefinition & { id: RouteId };
type Headers = Record<string, string>;

/** Every piece of a sent secret that must never come back: the whole value, and an API key's secret part. */
function secretsIn(values: string[]): string[] {
  return values.flatMap((value) => {
    const apiKey = /^kw_[0-9A-Za-z]{16}([0-9A-Za-z]{32})[0-9A-Za-z]{6}$/.exec(value);
    return apiKey?.[1] ? [value, apiKey[1]] : [value];
  });
}

function expectCommon(response: ApiResponse, status: number, sent: string[]) {
  expect(response.status, response.text).toBe(status);
  expect(response.status).toBeLessThan(500);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['x-request-id']).toBeTruthy();
  for (const secret of secretsIn(sent)) expect(response.text).not.toContain(secret);
}

const sentence = /^\S[\s\S]{8,}[.!?]$/;

/** The error contract: status, code, a one-sentence message, the request id twice, nothing secret echoed. */
function expectError(response: ApiResponse, status: number, code: ErrorCode, sent: string[] = []) {
  expectCommon(response, status, sent);
  const body = errorResponse.parse(response.body);
  expect(body.code).toBe(code);
  expect(body.message).toMatch(sentence);
  expect(response.headers['x-request-id']).toBe(body.requestId);
  return body;
}

/** RFC 6749 5.2 error body, as the OAuth route answers. */
function expectOAuthError(response: ApiResponse, status: number, error: z.infer<typeof oauthErrorResponse>['error'], sent: string[] = []) {
  expectCommon(response, status, sent);
  const body = z.strictObject(oauthErrorResponse.shape).parse(response.body);
  expect(body.error).toBe(error);
  expect(body.error_description).toMatch(sentence);
  return body;
}

/** A route's error in the form that route answers: Keyward's own, or OAuth's. */
function expectRouteError(route: Route, response: ApiResponse, status: number, code: ErrorCode, sent: string[] = []) {
  if (route.errorFormat === 'oauth')
    return void expectOAuthError(response, status, status === 401 ? 'invalid_client' : 'invalid_request', sent);
  expectError(response, status, code, sent);
}

const mentions = (body: { details?: { path: string; message: string }[] | undefined }, field: string) =>
  (body.details ?? []).some(
    (detail) => detail.path === field || detail.path.startsWith(`${field}.`) || detail.message.includes(`'${field}'`),
  );

/** Replaces the character at `index` with another one of the base64url alphabet. */
const flipAt = (text: string, index: number) => text.slice(0, index) + (text[index] === 'A' ? 'B' : 'A') + text.slice(index + 1);

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

const home = {} as { system: string; systemKeyId: string; viewer: string; viewerKeyId: string; viewerSecret: string };
const other = {} as { system: string };
/** nextCursor of page one (limit=1) of every listing, per tenant. */
const cursors = { home: {} as Partial<Record<RouteId, string>>, other: {} as Partial<Record<RouteId, string>> };

/** The paged listings: routes whose query takes a cursor. */
const queryRoutes: Route[] = routeList.filter(
  (route) => route.query !== undefined && 'cursor' in ((route.query as { shape?: object }).shape ?? {}),
);

async function firstPageCursor(route: Route, apiKey: string): Promise<string> {
  const response = await call('GET', `${route.path}?limit=1`, { headers: withKey(apiKey) });
  expect(response.status, response.text).toBe(200);
  const cursor = (route.success.schema!.parse(response.body) as { nextCursor: string | null }).nextCursor;
  expect(cursor, `${route.id} needs a second page for the cursor tests`).toBeTruthy();
  return cursor!;
}

beforeAll(async () => {
  const homeTenant = await newTenant('inputs');
  home.system = homeTenant.apiKey;
  home.systemKeyId = homeTenant.keyId;
  const viewer = await createKey(home.system, { name: 'viewer for inputs', type: 'viewer' });
  Object.assign(home, { viewer: viewer.apiKey, viewerKeyId: viewer.key.id, viewerSecret: viewer.keySecret });
  const otherTenant = await newTenant('inputs-other');
  other.system = otherTenant.apiKey;
  await createKey(other.system, { name: 'second key of the other tenant', type: 'viewer' });
  // Two people in each tenant, so the people listing has a second page too.
  const { people } = getAdapters().store;
  for (const tenant of ['inputs', 'inputs-other']) {
    for (const id of [PERSON_ID, 'corp:second']) {
      await people.recordSignIn(
        { tenant, id, issuer: 'https://login.example.com/', email: null, name: null, role: 'viewer' },
        new Date().toISOString(),
      );
    }
  }
  for (const route of queryRoutes) {
    cursors.home[route.id] = await firstPageCursor(route, home.system);
    cursors.other[route.id] = await firstPageCursor(route, other.system);
  }
});

// ---------------------------------------------------------------------------------------------
// A valid request for every route, built from the route table
// ---------------------------------------------------------------------------------------------

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

/** A valid body for every route that takes one, as sent on the wire. */
const validBodies: Partial<Record<RouteId, () => string>> = {
  authenticate: () => JSON.stringify({ apiKey: home.viewer }),
  oauthToken: () => form({ grant_type: 'client_credentials', client_id: home.viewerKeyId, client_secret: home.viewerSecret }),
  createKey: () => JSON.stringify({ name: 'made by a test', type: 'viewer' }),
  verifyKey: () => JSON.stringify({ apiKey: home.viewer }),
  // Not a key: a report of the suite's own keys would revoke them.
  reportLeak: () => JSON.stringify({ apiKey: 'kw_not_a_key', source: 'a test' }),
  updateKey: () => JSON.stringify({ name: 'renamed by a test' }),
  regenerateKey: () => JSON.stringify({ gracePeriodSeconds: 0 }),
  revokeKey: () => JSON.stringify({ reason: 'revoked by a test' }),
  // Narrowed to an owner nobody has: the suite's own keys must survive it.
  revokeAllKeys: () => JSON.stringify({ reason: 'revoked by a test', ownerId: 'nobody-at-all' }),
  putTenantPolicy: () => JSON.stringify({ maxLifetimeDays: null, requireExpiry: false, maxGracePeriodSeconds: 604800, allowedIps: null }),
  githubSecretScanning: () => JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }),
};
const validJson = (route: Route) => JSON.parse(validBodies[route.id]!()) as Record<string, unknown>;

const mediaTypes = { json: 'application/json', form: 'application/x-www-form-urlencoded', webhook: 'application/json' } as const;
/** The person a `{personId}` route names: one of each tenant's two people. */
const PERSON_ID = 'corp:first';
const takesKeyId = (route: Route) => route.path.includes('{keyId}');
const newTarget = async () => (await createKey(home.system, { name: 'target', type: 'viewer', recoverable: true })).key.id;
/** One key per route for the requests that must fail; a request that must succeed gets a fresh key of its own. */
const sharedTargets = new Map<RouteId, Promise<string>>();
const sharedTarget = (route: Route) => {
  if (!sharedTargets.has(route.id)) sharedTargets.set(route.id, newTarget());
  return sharedTargets.get(route.id)!;
};

interface Send {
  /** The raw body; the route's valid body when not given. */
  body?: string;
  /** The Content-Type header; the route's media type when not given, none when null. */
  contentType?: string | null;
  keyId?: string;
  query?: string;
  headers?: Headers;
}

/** Sends the route's valid request with the parts in `change` replaced, and the home system key where a credential is needed. */
async function send(route: Route, change: Send = {}): Promise<ApiResponse> {
  const keyId = change.keyId ?? (takesKeyId(route) ? await sharedTarget(route) : undefined);
  const path =
    route.path.replace('{keyId}', encodeURIComponent(keyId ?? '')).replace('{personId}', encodeURIComponent(PERSON_ID)) +
    (change.query !== undefined ? `?${change.query}` : '');
  const body = change.body ?? validBodies[route.id]?.() ?? '';
  const contentType =
    change.contentType === undefined
      ? route.bodyType
        ? mediaTypes[route.bodyType]
        : body
          ? 'application/json'
          : null
      : change.contentType;
  const headers: Headers = {
    ...(route.access === 'public' ? {} : withKey(home.system)),
    ...(contentType ? { 'content-type': contentType } : {}),
    ...(route.bodyType === 'webhook' ? await webhookHeaders(body) : {}),
    ...change.headers,
  };
  return call(route.method, path, { raw: body, headers });
}

const freshTarget = async (route: Route): Promise<Send> => (takesKeyId(route) ? { keyId: await newTarget() } : {});

/** `text` grown to exactly `bytes` bytes without changing its meaning. */
function padTo(route: Route, text: string, bytes: number): string {
  if (route.bodyType === 'form') {
    const padded = `${text}&padding=`;
    return padded + 'x'.repeat(bytes - Buffer.byteLength(padded));
  }
  const json = text || '{}';
  return json + ' '.repeat(bytes - Buffer.byteLength(json));
}

/** The fixture itself, checked once it is built: a route without a valid request here stops the file with what to add. */
beforeAll(() => {
  for (const route of routeList) {
    if ([...route.path.matchAll(/\{(\w+)\}/g)].some((match) => !['keyId', 'personId'].includes(match[1]!)))
      throw new Error(`${route.id}: teach send() this path parameter`);
    if (Boolean(route.bodyType) !== (validBodies[route.id] !== undefined))
      throw new Error(`${route.id}: validBodies must hold a body exactly when the route takes one`);
    if (route.bodyType === 'json' && !route.body!.safeParse(validJson(route)).success)
      throw new Error(`${route.id}: its valid body does not validate`);
  }
});

// ---------------------------------------------------------------------------------------------
// Every route: the body size limit
// ---------------------------------------------------------------------------------------------

describe.each(routeList)('$method $path: body size', (route) => {
  const limit = route.maxBodyBytes ?? BODY_LIMIT;

  it(`refuses a body one byte over ${limit / 1024} KiB: 413 request.too_large`, async () => {
    const body = padTo(route, validBodies[route.id]?.() ?? '', limit + 1);
    expect(Buffer.byteLength(body)).toBe(limit + 1);
    expectRouteError(route, await send(route, { body }), 413, 'request.too_large');
  });

  if (route.bodyType) {
    it(`accepts its valid body padded to exactly ${limit / 1024} KiB`, async () => {
      const body = padTo(route, validBodies[route.id]!(), limit);
      expect(Buffer.byteLength(body)).toBe(limit);
      const response = await send(route, { body, ...(await freshTarget(route)) });
      expect(response.status, response.text).toBe(route.success.status);
    });
  }
});

it('counts the body limit in bytes, not characters', async () => {
  const body = JSON.stringify({ name: 'é'.repeat(8200), type: 'viewer' });
  expect(body.length).toBeLessThan(BODY_LIMIT);
  expect(Buffer.byteLength(body)).toBeGreaterThan(BODY_LIMIT);
  expectError(await send({ ...routes.createKey, id: 'createKey' }, { body }), 413, 'request.too_large');
});

// ---------------------------------------------------------------------------------------------
// Routes with a JSON body
// ---------------------------------------------------------------------------------------------

const jsonRoutes: Route[] = routeList.filter((route) => route.bodyType === 'json');

/** For every field of a body schema, a value of the wrong type. */
function wrongTypes(route: Route): { field: string; value: unknown; shown: string }[] {
  const candidates: unknown[] = [12345, 'not a number', true, { nested: true }];
  const shape = route.body instanceof z.ZodMiniObject ? (route.body.shape as Record<string, z.ZodMiniType>) : {};
  return Object.entries(shape).map(([field, schema]) => {
    const value =
      candidates.find((candidate) => schema.safeParse(candidate).error?.issues.some((issue) => issue.code === 'invalid_type')) ??
      candidates.find((candidate) => !schema.safeParse(candidate).success);
    return { field, value, shown: JSON.stringify(value) };
  });
}

describe.each(jsonRoutes)('$method $path: JSON body', (route) => {
  it('accepts its valid body sent as application/json; charset=utf-8', async () => {
    const response = await send(route, { contentType: 'application/json; charset=utf-8', ...(await freshTarget(route)) });
    expect(response.status, response.text).toBe(route.success.status);
    route.success.schema?.parse(response.body);
  });

  it('has a body schema whose fields this suite can enumerate', () => {
    expect(route.body).toBeInstanceOf(z.ZodMiniObject);
    expect(wrongTypes(route).length).toBeGreaterThan(0);
  });

  it.each(wrongTypes(route))('refuses $field of the wrong type ($shown): 400 request.invalid naming it', async ({ field, value }) => {
    const body = expectError(await send(route, { body: JSON.stringify({ ...validJson(route), [field]: value }) }), 400, 'request.invalid');
    expect(mentions(body, field), JSON.stringify(body.details)).toBe(true);
    expect(body.message).toContain(field);
  });

  it('refuses an unknown field: 400 request.invalid naming it in details', async () => {
    const body = expectError(await send(route, { body: JSON.stringify({ ...validJson(route), colour: 'blue' }) }), 400, 'request.invalid');
    expect(mentions(body, 'colour'), JSON.stringify(body.details)).toBe(true);
    expect(body.message).toContain('colour');
  });

  it.each([
    { sentAs: 'text/plain', contentType: 'text/plain' },
    { sentAs: 'application/x-www-form-urlencoded', contentType: 'application/x-www-form-urlencoded' },
    { sentAs: 'multipart/form-data', contentType: 'multipart/form-data; boundary=x' },
    { sentAs: 'no Content-Type at all', contentType: null },
  ])('refuses a JSON body sent with $sentAs: 415 request.unsupported_media_type', async ({ contentType }) => {
    const body = expectError(await send(route, { contentType }), 415, 'request.unsupported_media_type');
    expect(body.message).toContain('application/json');
  });

  it.each(['{"name": "x"', "{'name': 'x'}", '{"name": "x",}', 'name=x', '{"a":1}{"b":2}'])(
    'refuses malformed JSON %j: 400 request.malformed_json',
    async (text) => {
      expectError(await send(route, { body: text }), 400, 'request.malformed_json');
    },
  );

  it('never echoes a malformed body, which may carry a key', async () => {
    const text = `{"apiKey": "${home.system}", `;
    expectError(await send(route, { body: text }), 400, 'request.malformed_json', [home.system]);
  });

  it.each(['[]', '[{"name": "x"}]', '"a string"', '42', 'true', 'null'])(
    'refuses %s instead of a JSON object: 400 request.invalid',
    async (text) => {
      expectError(await send(route, { body: text }), 400, 'request.invalid');
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Routes with a query string
// ---------------------------------------------------------------------------------------------

describe.each(queryRoutes)('$method $path: query string', (route) => {
  const otherListings = queryRoutes.filter((candidate) => candidate.id !== route.id);

  it('refuses an unknown query parameter: 400 request.invalid naming it', async () => {
    const body = expectError(await send(route, { query: 'colour=blue' }), 400, 'request.invalid');
    expect(mentions(body, 'colour'), JSON.stringify(body.details)).toBe(true);
  });

  it.each(['0', '101', 'abc', '1.5', '-1', '1e9'])('refuses limit=%s: 400 request.invalid naming limit', async (limit) => {
    const body = expectError(await send(route, { query: `limit=${limit}` }), 400, 'request.invalid');
    expect(mentions(body, 'limit'), JSON.stringify(body.details)).toBe(true);
  });

  it.each(['1', '100'])('accepts limit=%s', async (limit) => {
    const response = await send(route, { query: `limit=${limit}` });
    expect(response.status, response.text).toBe(200);
    expect((route.success.schema!.parse(response.body) as { items: unknown[] }).items.length).toBeLessThanOrEqual(Number(limit));
  });

  it('accepts the nextCursor it returned, and serves the next page', async () => {
    const first = route.success.schema!.parse((await send(route, { query: 'limit=1' })).body) as { items: { id: string }[] };
    const response = await send(route, { query: `limit=1&cursor=${encodeURIComponent(cursors.home[route.id]!)}` });
    expect(response.status, response.text).toBe(200);
    const next = route.success.schema!.parse(response.body) as { items: { id: string }[] };
    expect(next.items).toHaveLength(1);
    expect(next.items[0]!.id).not.toBe(first.items[0]!.id);
  });

  const badCursors: { name: string; cursor: () => string }[] = [
    { name: 'a garbage cursor', cursor: () => 'garbage' },
    { name: 'a cursor of two garbage parts', cursor: () => 'abc.def' },
    { name: 'a cursor with a third part', cursor: () => `${cursors.home[route.id]!}.extra` },
    { name: 'a cursor with one character of its payload flipped', cursor: () => flipAt(cursors.home[route.id]!, 5) },
    {
      name: 'a cursor with one character of its signature flipped',
      cursor: () => {
        const cursor = cursors.home[route.id]!;
        return flipAt(cursor, cursor.indexOf('.') + 10);
      },
    },
    { name: "another tenant's cursor for the same listing", cursor: () => cursors.other[route.id]! },
    ...otherListings.map((listing) => ({ name: `a cursor of ${listing.method} ${listing.path}`, cursor: () => cursors.home[listing.id]! })),
  ];

  it.each(badCursors)('refuses $name: 400 request.invalid_cursor', async ({ cursor }) => {
    const sent = cursor();
    expect(sent).not.toBe(cursors.home[route.id]);
    expectError(await send(route, { query: `cursor=${encodeURIComponent(sent)}` }), 400, 'request.invalid_cursor');
  });
});

describe('query fields of their own', () => {
  it.each([
    ['type=root', 'type'],
    ['status=deleted', 'status'],
    [`search=${'x'.repeat(201)}`, 'search'],
  ])('GET /v1/keys refuses %s: 400 request.invalid naming it', async (query, field) => {
    const body = expectError(await send({ ...routes.listKeys, id: 'listKeys' }, { query }), 400, 'request.invalid');
    expect(mentions(body, field)).toBe(true);
  });

  it.each([
    ['granularity=week', 'granularity'],
    ['from=yesterday', 'from'],
    ['to=2026-13-01T00:00:00Z', 'to'],
    ['limit=5', 'limit'],
  ])('GET /v1/usage refuses %s: 400 request.invalid naming it', async (query, field) => {
    const body = expectError(await send({ ...routes.tenantUsage, id: 'tenantUsage' }, { query }), 400, 'request.invalid');
    expect(mentions(body, field)).toBe(true);
  });

  it('GET /v1/keys finds a key by its full key in search, which is no bad input', async () => {
    const response = await send({ ...routes.listKeys, id: 'listKeys' }, { query: `search=${home.viewer}` });
    expect(keyListResponse.parse(response.body).items.map((key) => key.id)).toEqual([home.viewerKeyId]);
  });

  it.each(['short', 'x'.repeat(17)])('GET /v1/audit refuses keyId=%s: 400 request.invalid naming keyId', async (keyId) => {
    const body = expectError(await send({ ...routes.audit, id: 'audit' }, { query: `keyId=${keyId}` }), 400, 'request.invalid');
    expect(mentions(body, 'keyId')).toBe(true);
  });

  it('GET /v1/audit refuses a full API key as keyId, without echoing it', async () => {
    const body = expectError(await send({ ...routes.audit, id: 'audit' }, { query: `keyId=${home.system}` }), 400, 'request.invalid', [
      home.system,
    ]);
    expect(mentions(body, 'keyId')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Routes with a key id in the path
// ---------------------------------------------------------------------------------------------

const keyIdRoutes: Route[] = routeList.filter(takesKeyId);

describe.each(keyIdRoutes)('$method $path: key id', (route) => {
  it.each(['short', 'x'.repeat(17), 'Ab3dE5gH7jK9mN1-', 'Ab3dE5gH7jK9mN1_', 'Ab3dE5gH7jK9 mN1'])(
    'refuses the malformed key id %j: 400 request.invalid naming keyId',
    async (keyId) => {
      const body = expectError(await send(route, { keyId }), 400, 'request.invalid');
      expect(mentions(body, 'keyId'), JSON.stringify(body.details)).toBe(true);
    },
  );

  it('refuses a full API key pasted where the key id goes, without echoing it', async () => {
    const body = expectError(await send(route, { keyId: home.viewer }), 400, 'request.invalid', [home.viewer]);
    expect(mentions(body, 'keyId'), JSON.stringify(body.details)).toBe(true);
    expect(body.message).toMatch(/key id/i);
  });

  it('answers 404 key.not_found, not 400, for a well-formed id of no key', async () => {
    expectError(await send(route, { keyId: 'Ab3dE5gH7jK9mN1p' }), 404, 'key.not_found');
  });
});

// ---------------------------------------------------------------------------------------------
// POST /v1/oauth/token: OAuth-style errors
// ---------------------------------------------------------------------------------------------

describe('POST /v1/oauth/token', () => {
  const token = (body: string, headers: Headers = formHeaders) => call('POST', '/v1/oauth/token', { raw: body, headers });
  const basic = (user: string, password: string) => ({
    ...formHeaders,
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  });

  it('issues a token for client_credentials in the body', async () => {
    const response = await token(form({ grant_type: 'client_credentials', client_id: home.viewerKeyId, client_secret: home.viewerSecret }));
    expect(response.status, response.text).toBe(200);
    expect(oauthTokenResponse.parse(response.body)).toMatchObject({ token_type: 'Bearer', scope: 'keys:read' });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['the key secret', () => home.viewerSecret],
    ['the full key', () => home.viewer],
  ])('issues a token for HTTP Basic auth with %s as password', async (_, password) => {
    const response = await token(form({ grant_type: 'client_credentials' }), basic(home.viewerKeyId, password()));
    expect(response.status, response.text).toBe(200);
    oauthTokenResponse.parse(response.body);
  });

  it('ignores unknown parameters, as RFC 6749 requires', async () => {
    const response = await token(
      form({ grant_type: 'client_credentials', client_id: home.viewerKeyId, client_secret: home.viewerSecret, audience: 'x' }),
    );
    expect(response.status, response.text).toBe(200);
  });

  it.each(['password', 'authorization_code', 'refresh_token'])('refuses grant_type=%s: 400 unsupported_grant_type', async (grantType) => {
    const sent = home.viewerSecret;
    const response = await token(form({ grant_type: grantType, client_id: home.viewerKeyId, client_secret: sent }));
    expect(expectOAuthError(response, 400, 'unsupported_grant_type', [sent]).error_description).toContain('client_credentials');
  });

  it.each([
    ['no grant_type', () => form({ client_id: home.viewerKeyId, client_secret: home.viewerSecret })],
    [
      'a repeated parameter',
      () =>
        `${form({ grant_type: 'client_credentials', client_id: home.viewerKeyId, client_secret: home.viewerSecret })}&client_id=${home.viewerKeyId}`,
    ],
  ])('refuses %s: 400 invalid_request', async (_, body) => {
    expectOAuthError(await token(body()), 400, 'invalid_request', [home.viewerSecret]);
  });

  it.each([
    ['no client_secret', () => form({ grant_type: 'client_credentials', client_id: home.viewerKeyId })],
    ['no client_id', () => form({ grant_type: 'client_credentials', client_secret: home.viewerSecret })],
  ])('refuses %s as a client that did not authenticate: 401 invalid_client (RFC 6749 5.2)', async (_, body) => {
    expectOAuthError(await token(body()), 401, 'invalid_client', [home.viewerSecret]);
  });

  it('refuses credentials in both the Authorization header and the body: 400 invalid_request', async () => {
    const body = form({ grant_type: 'client_credentials', client_id: home.viewerKeyId, client_secret: home.viewerSecret });
    expectOAuthError(await token(body, basic(home.viewerKeyId, home.viewerSecret)), 400, 'invalid_request', [home.viewerSecret]);
  });

  it('refuses a JSON body: 415 with an OAuth error body', async () => {
    const body = JSON.stringify({ grant_type: 'client_credentials', client_id: home.viewerKeyId, client_secret: home.viewerSecret });
    expectOAuthError(await token(body, { 'content-type': 'application/json' }), 415, 'invalid_request', [home.viewerSecret]);
  });

  it.each([
    ['a wrong secret', () => ({ id: home.viewerKeyId, secret: 'A'.repeat(32) })],
    ['an unknown client_id', () => ({ id: 'Ab3dE5gH7jK9mN1p', secret: home.viewerSecret })],
    ['a malformed client_id', () => ({ id: 'nope', secret: home.viewerSecret })],
    ["another key's full key as secret", () => ({ id: home.viewerKeyId, secret: home.system })],
  ])('refuses %s in the body: 401 invalid_client', async (_, client) => {
    const { id, secret } = client();
    const response = await token(form({ grant_type: 'client_credentials', client_id: id, client_secret: secret }));
    expectOAuthError(response, 401, 'invalid_client', [secret]);
  });

  it('refuses a malformed Basic header: 401 invalid_client with a Basic challenge', async () => {
    const response = await token(form({ grant_type: 'client_credentials' }), { ...formHeaders, authorization: 'Basic !!!' });
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers, 'a 401 to a client that used Authorization must carry WWW-Authenticate').toHaveProperty(
      'www-authenticate',
      expect.stringMatching(/^Basic /),
    );
  });

  it('refuses a wrong secret in Basic auth: 401 invalid_client with a Basic challenge (RFC 6749 5.2)', async () => {
    const secret = 'A'.repeat(32);
    const response = await token(form({ grant_type: 'client_credentials' }), basic(home.viewerKeyId, secret));
    expectOAuthError(response, 401, 'invalid_client', [secret]);
    expect(response.headers, 'a 401 to a client that used Authorization must carry WWW-Authenticate').toHaveProperty(
      'www-authenticate',
      expect.stringMatching(/^Basic /),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// POST /v1/authentication: messages that say what to send
// ---------------------------------------------------------------------------------------------

describe('POST /v1/authentication', () => {
  const authenticate = (options: { json?: unknown; raw?: string; headers?: Headers }) => call('POST', '/v1/authentication', options);

  it('accepts {"apiKey"} with an expiresIn in range', async () => {
    const response = await authenticate({ json: { apiKey: home.viewer, expiresIn: 60 } });
    expect(response.status, response.text).toBe(200);
    expect(authenticationResponse.parse(response.body).expiresIn).toBe(60);
  });

  it.each([
    { fields: 'username and password', json: { username: 'admin', password: 'correct-horse-battery-staple' } },
    { fields: 'email and password', json: { email: 'admin@example.com', password: 'correct-horse-battery-staple' } },
    { fields: 'login and pass', json: { login: 'admin', pass: 'correct-horse-battery-staple' } },
  ])('refuses $fields: 400 request.invalid telling to send apiKey, without echoing the password', async ({ json }) => {
    const body = expectError(await authenticate({ json }), 400, 'request.invalid', ['correct-horse-battery-staple']);
    expect(body.message).toContain('apiKey');
    expect(body.message).toMatch(/API key/);
  });

  it('refuses keyId without keySecret: 400 request.invalid naming keySecret', async () => {
    const body = expectError(await authenticate({ json: { keyId: home.viewerKeyId } }), 400, 'request.invalid');
    expect(body.message).toContain('keySecret');
    expect(mentions(body, 'keySecret')).toBe(true);
  });

  it('refuses keySecret without keyId: 400 request.invalid naming keyId, without echoing the secret', async () => {
    const body = expectError(await authenticate({ json: { keySecret: home.viewerSecret } }), 400, 'request.invalid', [home.viewerSecret]);
    expect(body.message).toContain('keyId');
    expect(mentions(body, 'keyId')).toBe(true);
  });

  it('refuses both apiKey and keyId with keySecret: 400 request.invalid', async () => {
    const json = { apiKey: home.viewer, keyId: home.viewerKeyId, keySecret: home.viewerSecret };
    expectError(await authenticate({ json }), 400, 'request.invalid', [home.viewer, home.viewerSecret]);
  });

  it.each([
    ['no body', { raw: '' }],
    ['an empty JSON object', { json: {} }],
  ])('refuses %s with the key in an x-api-key header: 400 request.invalid telling to send apiKey in the body', async (_, options) => {
    const body = expectError(await authenticate({ ...options, headers: withKey(home.viewer) }), 400, 'request.invalid', [home.viewer]);
    expect(body.message).toContain('apiKey');
  });

  it.each([59, 3601, '900', 900.5])('refuses expiresIn=%j: 400 request.invalid naming expiresIn', async (expiresIn) => {
    const body = expectError(await authenticate({ json: { apiKey: home.viewer, expiresIn } }), 400, 'request.invalid', [home.viewer]);
    expect(mentions(body, 'expiresIn')).toBe(true);
  });
});

describe('order and strictness of checks', () => {
  const noQueryRoutes = routeList.filter((route) => route.query === undefined);

  it.each(noQueryRoutes)('$method $path refuses query parameters it does not take: 400 request.invalid', async (route) => {
    const response = await send(route, { query: 'verbose=1' });
    if (route.errorFormat === 'oauth') return void expectOAuthError(response, 400, 'invalid_request');
    expectError(response, 400, 'request.invalid');
  });

  it.each(routeList.filter((route) => route.access !== 'public' && route.bodyType === 'json'))(
    '$method $path tells an anonymous caller with a bad body that it needs a credential, not how to shape the body',
    async (route) => {
      const path = route.path.replace('{keyId}', 'Ab3dE5gH7jK9mN1p');
      const response = await call(route.method, path, { raw: '{"unknown": true', headers: { 'content-type': 'application/json' } });
      expectError(response, 401, 'auth.missing_credentials');
    },
  );

  it('refuses a cursor of the same listing with other filters: 400 request.invalid_cursor', async () => {
    const listKeys = { ...routes.listKeys, id: 'listKeys' as const };
    const unfiltered = keyListResponse.parse((await send(listKeys, { query: 'limit=1' })).body);
    const cursor = encodeURIComponent(unfiltered.nextCursor!);
    expectError(await send(listKeys, { query: `limit=1&type=viewer&cursor=${cursor}` }), 400, 'request.invalid_cursor');
    expect((await send(listKeys, { query: `limit=1&cursor=${cursor}` })).status).toBe(200);
  });
});
