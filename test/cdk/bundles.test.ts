import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { App } from 'aws-cdk-lib';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { KeywardStack } from '../../cdk/keyward-stack.ts';
import { stageConfig } from '../../cdk/stages.ts';
import { functionNames } from '../../cdk/function-access.ts';
import { lambdaContext, matchRoute, toProxyEvent } from '#local/proxy-event.ts';
import { getAdapters } from '#shared/runtime.ts';
import { routeList, type RouteId } from '#shared/http/routes.ts';
import { purgeDueKeys } from '#shared/services/purge.ts';
import { newTenant } from '../support/api.ts';
import { ageKey, justNow } from '../support/time-travel.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const bundleDirs = new Map<string, string>();
const outdir = mkdtempSync(join(tmpdir(), 'keyward-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Synthesizes the stack with real esbuild bundling and finds each function's asset, as `cdk deploy` would upload it. */
beforeAll(async () => {
  const app = new App({ outdir, context: { stage: 'dev', 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true } });
  const stack = new KeywardStack(app, 'Keyward-dev', {
    stage: 'dev',
    config: stageConfig('dev'),
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const assembly = app.synth();
  const template = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.template.json`), 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function' || !resource.Metadata) continue;
    const name = /\/Keyward\/Functions\/([^/]+)\/Resource$/.exec(resource.Metadata['aws:cdk:path'] ?? '')?.[1];
    if (name) bundleDirs.set(name, join(assembly.directory, resource.Metadata['aws:asset:path']!));
  }
}, 180_000);

const loaded = new Map<string, Promise<Handler>>();
/** The handler of a function's bundle: the uploaded code, not the sources. */
function bundled(name: string): Promise<Handler> {
  let handler = loaded.get(name);
  if (!handler) {
    const dir = bundleDirs.get(name);
    if (!dir) throw new Error(`no bundle for ${name}`);
    handler = import(pathToFileURL(join(dir, 'index.mjs')).href).then((module: { handler: Handler }) => module.handler);
    loaded.set(name, handler);
  }
  return handler;
}

async function send(method: string, url: string, options: { apiKey?: string; token?: string; json?: unknown } = {}) {
  const match = matchRoute(method, new URL(url, 'http://localhost').pathname);
  if (!match || 'allowed' in match) throw new Error(`no route ${method} ${url}`);
  const headers: Record<string, string> = {};
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const event: APIGatewayProxyEvent = toProxyEvent(
    { method, url, headers, body: options.json === undefined ? '' : JSON.stringify(options.json), sourceIp: '198.51.100.4' },
    match,
  );
  const handler = await bundled(match.route.handler);
  const result = (await handler(event, lambdaContext(match.route.handler))) as APIGatewayProxyResult;
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
}

describe('the bundles the stack deploys', () => {
  it('exist for every function, each a single ESM file with its source map', () => {
    expect([...bundleDirs.keys()].sort()).toEqual([...functionNames].sort());
    for (const dir of bundleDirs.values()) {
      expect(statSync(join(dir, 'index.mjs')).size).toBeGreaterThan(1000);
      expect(statSync(join(dir, 'index.mjs.map')).size).toBeGreaterThan(1000);
    }
  });

  it("hold their own route's code: not the route table, no other route or its schemas, no AWS client behind a public document", () => {
    const bundle = (name: string) => {
      const dir = bundleDirs.get(name)!;
      const { sources } = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      return { code: readFileSync(join(dir, 'index.mjs'), 'utf8'), sources };
    };
    // The discovery documents give the JWKS's and the token endpoint's paths, so they hold those two routes.
    const named: Partial<Record<RouteId, RouteId[]>> = {
      openIdConfiguration: ['jwks', 'oauthToken'],
      oauthAuthorizationServer: ['jwks', 'oauthToken'],
    };
    for (const route of routeList.filter((r) => r.id !== 'openApi')) {
      const { code, sources } = bundle(route.handler);
      expect(
        sources.filter((source) => source.endsWith('shared/http/routes.ts')),
        route.handler,
      ).toEqual([]);
      const held = routeList.filter((other) => code.includes(other.summary)).map((other) => other.id);
      expect(held.sort(), route.handler).toEqual([route.id, ...(named[route.id] ?? [])].sort());
    }
    // A schema built for one route only (the create-key body) is in that route's bundle, and in the OpenAPI document's.
    const withCreateKeyBody = [...bundleDirs.keys()].filter((name) =>
      bundle(name).code.includes('system keys are created only by bootstrap'),
    );
    expect(withCreateKeyBody.sort()).toEqual(['create-key', 'openapi']);
    for (const name of ['openapi', 'openid-configuration', 'oauth-authorization-server']) {
      expect(
        bundle(name).sources.filter((source) => /(DynamoDB|KMS)Client\.js$|shared\/runtime\.ts$/.test(source)),
        name,
      ).toEqual([]);
    }
  });

  it('run the main flow against DynamoDB Local: authenticate, create, list, regenerate, revoke, delete, purge', async () => {
    const { apiKey: systemKey } = await newTenant('bundled');

    const auth = await send('POST', '/v1/authentication', { json: { apiKey: systemKey } });
    expect(auth.status).toBe(200);
    const token = auth.body.token as string;

    const created = await send('POST', '/v1/keys', { token, json: { name: 'from a bundle', type: 'privileged', scopes: ['orders:read'] } });
    expect(created.status).toBe(201);
    const keyId = created.body.key.id as string;

    const listed = await send('GET', '/v1/keys?limit=5', { token });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((k: { id: string }) => k.id)).toContain(keyId);

    const regenerated = await send('POST', `/v1/keys/${keyId}/regenerate`, { token, json: { gracePeriodSeconds: 0 } });
    expect(regenerated.status).toBe(200);
    expect((await send('POST', '/v1/authentication', { json: { apiKey: created.body.apiKey } })).body.code).toBe(
      'authentication.invalid_api_key',
    );
    expect((await send('POST', '/v1/authentication', { json: { apiKey: regenerated.body.apiKey } })).status).toBe(200);

    const revoked = await send('POST', `/v1/keys/${keyId}/revoke`, { token, json: { reason: 'bundle test' } });
    expect(revoked.body.status).toBe('revoked');

    const doomed = await send('POST', '/v1/keys', { token, json: { name: 'to delete', type: 'viewer' } });
    expect((await send('DELETE', `/v1/keys/${doomed.body.key.id}`, { token })).status).toBe(204);

    // The revoked key's retention is over: the bundled purge job removes it (and nothing else is due).
    await purgeDueKeys(getAdapters().store, new Date(), { auditRetentionDays: 90 });
    await ageKey(keyId, { purgeAt: justNow() });
    const purge = await bundled('purge-expired-keys');
    expect(await purge({}, lambdaContext('purge-expired-keys'))).toMatchObject({ purged: 1 });
    expect(await getAdapters().store.keys.get(keyId)).toBeUndefined();

    const audit = await send('GET', `/v1/audit?keyId=${keyId}`, { token });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'key.purge',
      'key.revoke',
      'authentication.failure',
      'key.regenerate',
      'key.create',
    ]);
  });

  it('include a key authorizer that applies every usage control to each request, and passes the caller on', async () => {
    const tenant = await newTenant('bundle-key-authorizer');
    const created = await send('POST', '/v1/keys', {
      apiKey: tenant.apiKey,
      json: {
        name: 'downstream',
        type: 'viewer',
        ownerId: 'customer-7',
        meta: { plan: 'pro' },
        rateLimit: { limit: 2, windowSeconds: 86400 },
      },
    });
    const apiKey = created.body.apiKey as string;
    const authorize = await bundled('key-authorizer');
    const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders';
    const request = (key: string) => ({
      type: 'REQUEST',
      methodArn,
      headers: { 'X-Api-Key': key },
      requestContext: { identity: { sourceIp: '198.51.100.4' } },
    });
    const first = (await authorize(request(apiKey), lambdaContext('key-authorizer'))) as {
      policyDocument: { Statement: { Effect: string }[] };
      context: Record<string, unknown>;
    };
    expect(first.policyDocument.Statement[0]!.Effect).toBe('Allow');
    expect(first.context).toMatchObject({
      keyId: created.body.key.id,
      tenant: 'bundle-key-authorizer',
      scopes: 'keys:read',
      ownerId: 'customer-7',
      meta: '{"plan":"pro"}',
      rateLimitRemaining: 1,
    });
    await authorize(request(apiKey), lambdaContext('key-authorizer'));
    const third = (await authorize(request(apiKey), lambdaContext('key-authorizer'))) as {
      policyDocument: { Statement: { Effect: string }[] };
      context: Record<string, unknown>;
    };
    expect(third.policyDocument.Statement[0]!.Effect).toBe('Deny');
    expect(third.context.reason).toBe('authentication.rate_limited');
    await expect(authorize(request(`${apiKey.slice(0, -1)}x`), lambdaContext('key-authorizer'))).rejects.toThrow('Unauthorized');
    await expect(authorize({ ...request(''), headers: {} }, lambdaContext('key-authorizer'))).rejects.toThrow('Unauthorized');
  });

  it('include a usage counter that counts the uses the functions logged, once however often a batch is delivered', async () => {
    const tenant = await newTenant('bundle-uses');
    const created = await send('POST', '/v1/keys', { apiKey: tenant.apiKey, json: { name: 'counted', type: 'viewer' } });
    const keyId = created.body.key.id as string;
    for (let i = 0; i < 2; i++)
      expect((await send('POST', '/v1/authentication', { json: { apiKey: created.body.apiKey } })).status).toBe(200);
    // What the bundled functions wrote (to standard output in Lambda; to this file here), as a log subscription delivers it.
    const lines = readFileSync(process.env.KEYWARD_USES_FILE!, 'utf8')
      .split('\n')
      .filter((line) => line.includes(keyId));
    expect(lines).toHaveLength(2);
    const messages = ['START RequestId: 7c1f Version: $LATEST', ...lines];
    const delivery = (messageType: string) => ({
      awslogs: {
        data: gzipSync(
          JSON.stringify({
            messageType,
            owner: '123456789012',
            logGroup: '/aws/lambda/authenticate',
            logStream: '2026/11/23/[$LATEST]abc',
            subscriptionFilters: ['uses'],
            logEvents: messages.map((message, i) => ({ id: `3${keyId.length}${i}`.padEnd(56, '0'), timestamp: Date.now(), message })),
          }),
        ).toString('base64'),
      },
    });
    const count = await bundled('count-uses');
    expect(await count(delivery('CONTROL_MESSAGE'), lambdaContext('count-uses'))).toEqual({ counted: 0 });
    expect(await count(delivery('DATA_MESSAGE'), lambdaContext('count-uses'))).toEqual({ counted: 2 });
    // A retried delivery of the same batch: counted once.
    expect(await count(delivery('DATA_MESSAGE'), lambdaContext('count-uses'))).toEqual({ counted: 2 });
    const usage = await send('GET', `/v1/keys/${keyId}/usage`, { apiKey: tenant.apiKey });
    expect(usage.body.totals).toEqual({ valid: 2, rateLimited: 0, usageExceeded: 0, ipNotAllowed: 0, refused: 0 });
  });

  it('serve the discovery documents and rotate the signing key', async () => {
    // The table, the pepper and the first signing key exist once a tenant is bootstrapped.
    await newTenant('bundle-discovery');
    expect((await send('GET', '/.well-known/jwks.json')).body.keys.length).toBeGreaterThan(0);
    expect((await send('GET', '/.well-known/openid-configuration')).body.issuer).toBe('https://keyward.test');
    expect((await send('GET', '/openapi.json')).body.openapi).toBe('3.1.0');
    const rotate = await bundled('rotate-signing-key');
    expect(await rotate({}, lambdaContext('rotate-signing-key'))).toMatchObject({ kid: expect.any(String) });
  });
});
