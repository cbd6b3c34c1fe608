// zod/mini, not classic zod: a fraction of its size and import time in the function's bundle.
// The namespace import lets esbuild drop what is unused (`import { z }` pulls in all of zod).
import * as z from 'zod/mini';
import { MAX_BODY_BYTES } from '../limits.ts';
import { errorStatus, type ErrorCode } from '../errors.ts';
import { errorResponse, oauthErrorResponse } from './schemas.ts';
import { routeList, type RouteDefinition, type RouteId } from './routes.ts';

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is untyped JSON, walked and rewritten here.
type Json = Record<string, any>;
type Io = 'input' | 'output';

const SCHEMAS = '#/components/schemas/';

/**
 * JSON Schemas of zod schemas in one direction (`input` for what a client sends, `output`
 * for what it gets), converted together as one zod registry: every schema with a
 * `z.meta({ id })` is referenced as `#/components/schemas/<id>`, the others come inline.
 */
function converter(io: Io, used: z.core.$ZodType[]) {
  const registry = z.registry<{ id: string }>();
  // zod files an id'd schema missing from the registry under "__shared", so all of them go in.
  for (const [id, schema] of z.globalRegistry._idmap) registry.add(schema, { id });
  // The route's own schemas get placeholder ids, replaced by their bodies below.
  const placeholders = new Map<string, z.core.$ZodType>();
  for (const schema of used) {
    if (registry.has(schema)) continue;
    const id = `${io}.${placeholders.size}`;
    placeholders.set(id, schema);
    registry.add(schema, { id });
  }
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    reused: 'inline',
    uri: (id) => SCHEMAS + id,
  });
  if ('__shared' in schemas)
    throw new Error('a schema converted to a shared $defs entry: give it a z.meta({ id }) check so it becomes a component');
  const body = (id: string): Json => {
    // `$id` (a fragment) and `$schema` mean nothing inside an OpenAPI 3.1 document.
    const { $id, $schema, ...rest } = schemas[id] as Json;
    return inlinePlaceholders(rest);
  };
  // biome-ignore lint/suspicious/noExplicitAny: any JSON Schema node.
  const inlinePlaceholders = (node: any): any => {
    if (Array.isArray(node)) return node.map(inlinePlaceholders);
    if (!node || typeof node !== 'object') return node;
    const { $ref, ...rest } = node;
    const own = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inlinePlaceholders(value)]));
    const id = typeof $ref === 'string' && $ref.startsWith(SCHEMAS) ? $ref.slice(SCHEMAS.length) : undefined;
    if (id !== undefined && placeholders.has(id)) return { ...body(id), ...own };
    return $ref === undefined ? own : { $ref, ...own };
  };
  return {
    /** The schema itself (inline), or a reference to its component. */
    schema(schema: z.core.$ZodType): Json {
      const id = registry.get(schema)?.id;
      if (id === undefined) throw new Error('schema was not given to the converter');
      return placeholders.has(id) ? body(id) : { $ref: SCHEMAS + id };
    },
    /** The body of component `id`. */
    component: body,
  };
}

/** Ids of the components a JSON Schema (or any part of the document) references. */
function componentRefs(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) componentRefs(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMAS)) found.add(value.slice(SCHEMAS.length));
      else componentRefs(value, found);
    }
  }
  return found;
}

/** The components the given parts reference, directly or through other components. */
function usedComponents(convert: ReturnType<typeof converter>, parts: unknown[]): Map<string, Json> {
  const components = new Map<string, Json>();
  const pending = [...componentRefs(parts)];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (components.has(id)) continue;
    const body = convert.component(id);
    components.set(id, body);
    pending.push(...componentRefs(body));
  }
  return components;
}

/** The body of `GET /openapi.json` (this document), described only as far as clients need. */
const documentSchema = {
  type: 'object',
  description: 'An OpenAPI 3.1 document',
  required: ['openapi', 'info', 'paths'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      properties: { title: { type: 'string' }, version: { type: 'string' }, description: { type: 'string' } },
    },
    servers: { type: 'array', items: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } } },
    paths: { type: 'object', additionalProperties: { type: 'object' } },
    components: { type: 'object' },
  },
};

/** Success bodies that have no zod schema in the route table. */
const successBodies: Partial<Record<RouteId, Json>> = { openApi: documentSchema };

function parameters(route: RouteDefinition, input: ReturnType<typeof converter>) {
  const list: Json[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const object = input.schema(schema) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      list.push({
        name,
        in: where,
        required: where === 'path' || (object.required ?? []).includes(name),
        schema: property,
        description: property.description,
      });
    }
  }
  if (route.idempotent) {
    list.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: { type: 'string', maxLength: 255 },
      description: 'Repeat within 24 hours returns the first answer again',
    });
  }
  return list;
}

/** Codes the router answers before any handler runs, in the API's own error shape on every route. */
const routeCodes: ReadonlySet<ErrorCode> = new Set(['route.not_found', 'route.method_not_allowed']);

function errorResponses(route: RouteDefinition, output: ReturnType<typeof converter>) {
  const statuses = new Set<number>([400, 404, 405, 500]);
  const add = (...more: number[]) => {
    for (const status of more) statuses.add(status);
  };
  if (route.bodyType) add(413, 415);
  if (route.access !== 'public') add(401, 403);
  if (route.access === 'public' && route.bodyType) add(401);
  if (route.params) add(404, 409);
  if (route.idempotent) add(409, 422);
  // A use of a key may be refused by its usage controls; anything that reads the store may find it unavailable.
  const usesKeys = route.access !== 'public' || (route.bodyType !== undefined && route.bodyType !== 'webhook');
  if (usesKeys) add(403, 429);
  if (usesKeys || route.bodyType === 'webhook' || route.handler === 'jwks') add(503);
  // Without a key id in the path, only an idempotent replay of a since-deleted key is not found.
  // A person is not found only by the id in a people route's path.
  const applies = (code: ErrorCode) =>
    (code !== 'key.not_found' || Boolean(route.params || route.idempotent)) &&
    (code !== 'person.not_found' || route.path.startsWith('/v1/people/')) &&
    // A webhook takes no credential: only its signature is refused with 401.
    (route.bodyType === 'webhook'
      ? errorStatus[code] !== 401 || code === 'webhook.invalid_signature'
      : code !== 'webhook.invalid_signature');
  const responses: Record<string, Json> = {};
  for (const status of [...statuses].sort((a, b) => a - b)) {
    const codes = (Object.keys(errorStatus) as ErrorCode[]).filter((code) => errorStatus[code] === status && applies(code));
    const oauth = route.errorFormat === 'oauth' && !codes.every((code) => routeCodes.has(code));
    responses[String(status)] = {
      description: `Error: ${codes.join(', ')}${status === 405 ? ' (a method this path does not take; Allow lists those it takes)' : ''}`,
      ...(status === 405
        ? { headers: { Allow: { description: 'The methods this path takes, such as "GET, POST"', schema: { type: 'string' } } } }
        : {}),
      content: { 'application/json': { schema: output.schema(oauth ? oauthErrorResponse : errorResponse) } },
    };
  }
  return responses;
}

/**
 * The OpenAPI 3.1 document of this deployment, generated from the route table and its zod
 * schemas so it cannot drift from what the handlers accept. Also records the choices
 * the HTTP contract leaves open (error codes per status, idempotency, pagination).
 */
export function openApiDocument(serverUrl: string) {
  const input = converter(
    'input',
    routeList.flatMap((route) => [route.body, route.query, route.params].filter((s) => s !== undefined)),
  );
  const output = converter('output', [
    errorResponse,
    oauthErrorResponse,
    ...routeList.flatMap((route) => (route.success.schema ? [route.success.schema] : [])),
  ]);

  const paths: Record<string, Record<string, Json>> = {};
  const sent: unknown[] = [];
  const answered: unknown[] = [];
  for (const route of routeList) {
    const successSchema = route.success.schema ? output.schema(route.success.schema) : successBodies[route.id];
    const operation: Json = {
      operationId: route.id,
      summary: route.summary,
      tags: route.tags,
      parameters: parameters(route, input),
      security: route.access === 'public' ? [] : [{ bearerToken: [] }, { apiKey: [] }],
      ...(route.access !== 'public' && route.access !== 'any' ? { 'x-keyward-permission': route.access } : {}),
      responses: {
        [String(route.success.status)]: {
          description: route.success.description,
          ...(successSchema ? { content: { 'application/json': { schema: successSchema } } } : {}),
        },
        ...errorResponses(route, output),
      },
    };
    if (route.body && route.bodyType) {
      const mediaType = route.bodyType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
      operation.requestBody = { required: true, content: { [mediaType]: { schema: input.schema(route.body) } } };
    }
    sent.push(operation.parameters, operation.requestBody);
    answered.push(operation.responses);
    const operations = paths[route.path] ?? {};
    operations[route.method.toLowerCase()] = operation;
    paths[route.path] = operations;
  }

  // Only components the paths use; one that reads differently as request and response would need two.
  const schemas: Record<string, Json> = {};
  const requestSide = usedComponents(input, sent);
  for (const [id, body] of usedComponents(output, answered)) {
    if (requestSide.has(id) && JSON.stringify(requestSide.get(id)) !== JSON.stringify(body)) {
      throw new Error(`schema '${id}' differs between requests and responses: give its request form its own id`);
    }
    schemas[id] = body;
  }
  for (const [id, body] of requestSide) schemas[id] ??= body;

  return {
    openapi: '3.1.0',
    info: {
      title: 'Keyward',
      version: '1',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description:
        'API-key management: create, rotate and revoke keys; trade a key for a short-lived RS256 token. ' +
        'Errors are {code, message, requestId, details?}; lists page with an opaque cursor (nextCursor null on the last page). ' +
        `Bodies over ${MAX_BODY_BYTES / 1024} KiB (1 MiB for GitHub's webhook) get 413, other content types 415, unknown fields 400. ` +
        'A path not listed here answers 404 route.not_found; a listed path called with a method it does not take answers ' +
        '405 route.method_not_allowed with the methods it takes in Allow (behind API Gateway: 404 route.not_found).',
    },
    servers: [{ url: serverUrl }],
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A token from POST /v1/authentication or /v1/oauth/token',
        },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A full API key' },
      },
    },
    paths,
  };
}
