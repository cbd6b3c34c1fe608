import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Server } from 'node:http';
import SwaggerParser from '@apidevtools/swagger-parser';
import { BaseResolver, createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { freePort } from '#local/dynamodb-local.ts';
import { createLocalServer } from '#local/server.ts';
import { errorStatus } from '#shared/errors.ts';
import { routeList } from '#shared/http/routes.ts';
import { auditQuery, listKeysQuery } from '#shared/http/schemas.ts';

// GET /openapi.json as the local server serves it, checked by two independent OpenAPI 3.1
// validators (swagger-parser and Redocly's linter), both kept off the network.

type Json = any;

/** Every URL fetched while the validators run: only the local server may be asked. */
const remoteFetches: string[] = [];
const realFetch = globalThis.fetch;
vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (new URL(url).hostname !== '127.0.0.1') {
    remoteFetches.push(url);
    return Promise.reject(new Error(`no network in this test: ${url}`));
  }
  return realFetch(input, init);
});

/** Redocly reads nothing but the document it is given. */
class OfflineResolver extends BaseResolver {
  override async loadExternalRef(absoluteRef: string): Promise<never> {
    throw new Error(`no external documents in this test: ${absoluteRef}`);
  }
}

let server: Server;
let base: string;
let doc: Json;

beforeAll(async () => {
  server = createLocalServer();
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  base = `http://127.0.0.1:${port}`;
  const response = await fetch(`${base}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await response.json();
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  expect(remoteFetches).toEqual([]);
});

/** Every `$ref` in the document, with where it is. */
function refs(node: Json, at = '#'): { ref: string; at: string }[] {
  if (!node || typeof node !== 'object') return [];
  const found: { ref: string; at: string }[] = typeof node.$ref === 'string' ? [{ ref: node.$ref, at }] : [];
  for (const [key, value] of Object.entries(node)) found.push(...refs(value, `${at}/${key}`));
  return found;
}

/** The node a local JSON pointer reference names, or undefined. */
function resolve(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: Json = doc;
  for (const part of ref.slice(2).split('/')) {
    const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Every key of this name anywhere in the document. */
function keysNamed(node: Json, name: string, at = '#'): string[] {
  if (!node || typeof node !== 'object') return [];
  const found = Object.hasOwn(node, name) ? [`${at}/${name}`] : [];
  for (const [key, value] of Object.entries(node)) found.push(...keysNamed(value, name, `${at}/${key}`));
  return found;
}

const operations = () => routeList.map((route) => ({ route, operation: doc.paths[route.path]?.[route.method.toLowerCase()] as Json }));

const describeProblem = (p: NormalizedProblem) => `${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(', ')}`;

describe('the OpenAPI document served at /openapi.json', () => {
  it('passes swagger-parser validation as OpenAPI 3.1', async () => {
    // swagger-parser dereferences in place, so it gets a copy.
    await expect(SwaggerParser.validate(structuredClone(doc), { resolve: { external: false } })).resolves.toMatchObject({
      openapi: '3.1.0',
    });
  });

  it("has no errors and no warnings under Redocly's recommended rules", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: `${base}/openapi.json`,
      config,
      externalRefResolver: new OfflineResolver(),
    });
    expect(problems.filter((p) => p.severity === 'error').map(describeProblem)).toEqual([]);
    expect(problems.filter((p) => p.severity === 'warn').map(describeProblem)).toEqual([]);
  });

  it('keeps every shared schema in components.schemas, and every $ref there resolves', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter(({ ref }) => resolve(ref) === undefined)).toEqual([]);
    expect(keysNamed(doc, '$defs')).toEqual([]);
    expect(keysNamed(doc, '$id')).toEqual([]);
    const schemas = Object.keys(doc.components.schemas ?? {});
    expect(schemas).toEqual(expect.arrayContaining(['Error', 'KeyView', 'OAuthError']));
    // No unused components: each one is referenced from outside itself.
    for (const name of schemas) {
      const pointer = `#/components/schemas/${name}`;
      expect(
        all.some(({ ref, at }) => ref === pointer && !at.startsWith(`${pointer}/`)),
        name,
      ).toBe(true);
    }
    const getKey = doc.paths['/v1/keys/{keyId}'].get;
    expect(getKey.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/KeyView' });
    expect(doc.paths['/v1/keys'].get.responses['200'].content['application/json'].schema.properties.items.items).toEqual({
      $ref: '#/components/schemas/KeyView',
    });
  });

  it('answers errors in the Error schema, and OAuth errors of the token endpoint in the OAuthError schema', () => {
    for (const { route, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        if (Number(status) < 400) continue;
        const schema = (response.$ref ? (resolve(response.$ref) as Json) : response).content['application/json'].schema;
        const routeLevel = status === '404' || status === '405';
        const expected = route.errorFormat === 'oauth' && !routeLevel ? 'OAuthError' : 'Error';
        expect(schema, `${route.id} ${status}`).toEqual({ $ref: `#/components/schemas/${expected}` });
      }
    }
    const error = doc.components.schemas.Error;
    expect(error.required).toEqual(['code', 'message', 'requestId']);
    expect(error.properties.code.enum.sort()).toEqual(Object.keys(errorStatus).sort());
  });

  it('documents route.not_found and route.method_not_allowed, as the server answers them', async () => {
    const missing = await fetch(`${base}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Json).code).toBe('route.not_found');
    const wrongMethod = await fetch(`${base}/v1/whoami`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as Json).code).toBe('route.method_not_allowed');

    for (const { route, operation } of operations()) {
      const answer = (status: string) => {
        const response = operation.responses[status];
        return response?.$ref ? (resolve(response.$ref) as Json) : response;
      };
      expect(answer('404')?.description, route.id).toContain('route.not_found');
      expect(answer('405')?.description, route.id).toContain('route.method_not_allowed');
      expect(answer('405').headers?.Allow?.schema, route.id).toEqual({ type: 'string' });
    }
  });

  it('describes its own body: an object with openapi, info and paths', () => {
    const schema = doc.paths['/openapi.json'].get.responses['200'].content['application/json'].schema;
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['openapi', 'info', 'paths']));
    for (const name of ['openapi', 'info', 'paths']) expect(schema.properties[name], name).toBeDefined();
    expect(doc.openapi).toMatch(new RegExp(schema.properties.openapi.pattern));
  });

  it('keeps operation ids, security, per-status error codes, Idempotency-Key and x-keyward-permission', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearerToken']);
    for (const { route, operation } of operations()) {
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation.operationId).toBe(route.id);
      expect(operation.description ?? operation.summary).toBeTruthy();
      if (route.access === 'public') expect(operation.security).toEqual([]);
      else expect(operation.security).toEqual([{ bearerToken: [] }, { apiKey: [] }]);
      expect(operation['x-keyward-permission']).toBe(route.access === 'public' || route.access === 'any' ? undefined : route.access);
      const idempotencyKey = operation.parameters.find((p: Json) => p.name === 'Idempotency-Key');
      expect(idempotencyKey?.in).toBe(route.idempotent ? 'header' : undefined);
      // Each error status lists codes of that status, from the closed set.
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        if (Number(status) < 400) continue;
        const described = response.$ref ? (resolve(response.$ref) as Json) : response;
        const codes = [...described.description.matchAll(/\b[a-z]+\.[a-z_]+\b/g)].map((m) => m[0]).filter((c) => c in errorStatus);
        expect(codes.length, `${route.id} ${status}`).toBeGreaterThan(0);
        for (const code of codes)
          expect(errorStatus[code as keyof typeof errorStatus], `${route.id} ${status} ${code}`).toBe(Number(status));
      }
    }
    expect(doc.paths['/v1/keys'].post.responses['422'].description).toContain('request.idempotency_mismatch');
    expect(doc.paths['/v1/keys/{keyId}'].get.responses['404'].description).toContain('key.not_found');
  });

  it('describes request bodies by what the server accepts, and responses by what it answers', () => {
    const create = doc.paths['/v1/keys'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(['name', 'type']);
    expect(create.additionalProperties).toBe(false);
    expect(create.properties.name).toMatchObject({ type: 'string', maxLength: 100 });
    expect(doc.paths['/v1/oauth/token'].post.requestBody.content).toHaveProperty('application/x-www-form-urlencoded');
    const issued = doc.paths['/v1/keys'].post.responses['201'].content['application/json'].schema;
    expect(issued.required).toEqual(expect.arrayContaining(['key', 'apiKey', 'keySecret']));
  });

  it('lists query parameters one by one, each with a schema, and limit as 1 to 100 in digits', () => {
    for (const [path, query] of [
      ['/v1/keys', listKeysQuery],
      ['/v1/audit', auditQuery],
    ] as const) {
      const parameters = doc.paths[path].get.parameters as Json[];
      expect(parameters.map((p) => p.name).sort()).toEqual(Object.keys(query.shape).sort());
      for (const parameter of parameters) {
        expect(parameter.in).toBe('query');
        expect(parameter.required).toBe(false);
        expect(parameter.schema, parameter.name).toBeTypeOf('object');
      }
      const limit = parameters.find((p) => p.name === 'limit');
      expect(limit.schema).toMatchObject({ type: 'string', pattern: expect.any(String) });
      const pattern = new RegExp(limit.schema.pattern, 'u');
      for (const value of [
        '1',
        '9',
        '10',
        '25',
        '99',
        '100',
        '007',
        '0',
        '00',
        '000',
        '101',
        '999',
        '1000',
        '1e2',
        '0x10',
        ' 5',
        '5 ',
        '+5',
        '-1',
        '1.5',
        '',
        'abc',
        '٣',
      ]) {
        const accepted = query.safeParse({ limit: value }).success;
        expect(pattern.test(value), `limit=${JSON.stringify(value)}`).toBe(accepted);
      }
    }
    const keyId = doc.paths['/v1/keys/{keyId}'].get.parameters.find((p: Json) => p.name === 'keyId');
    expect(keyId).toMatchObject({ in: 'path', required: true, schema: { type: 'string', pattern: expect.any(String) } });
  });
});
