// The namespace import lets esbuild drop what is unused (`import { z }` pulls in all of zod).
import * as z from 'zod';
import { errorStatus } from '../errors.ts';
import { errorResponse, oauthErrorResponse } from './schemas.ts';
import { routeList, type RouteDefinition } from './routes.ts';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;

function parameters(route: RouteDefinition) {
  const list: Record<string, unknown>[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      list.push({ name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: property, description: property.description });
    }
  }
  if (route.idempotent) {
    list.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'Repeat within 24 hours returns the first answer again' });
  }
  return list;
}

function errorResponses(route: RouteDefinition) {
  const schema = jsonSchema(route.errorFormat === 'oauth' ? oauthErrorResponse : errorResponse, 'output');
  const statuses = new Set<number>([400, 500]);
  if (route.bodyType) [413, 415].forEach((s) => statuses.add(s));
  if (route.access !== 'public') [401, 403].forEach((s) => statuses.add(s));
  if (route.access === 'public' && route.bodyType) statuses.add(401);
  if (route.params) [404, 409].forEach((s) => statuses.add(s));
  if (route.idempotent) [409, 422].forEach((s) => statuses.add(s));
  const responses: Record<string, unknown> = {};
  for (const status of [...statuses].sort()) {
    const codes = Object.entries(errorStatus).filter(([, s]) => s === status).map(([code]) => code);
    responses[String(status)] = { description: `Error: ${codes.join(', ')}`, content: { 'application/json': { schema } } };
  }
  return responses;
}

/**
 * The OpenAPI 3.1 document of this deployment, generated from the route table and its zod
 * schemas so it cannot drift from what the handlers accept. Also records the choices
 * API.md leaves open (error codes per status, idempotency, pagination).
 */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routeList) {
    const operation: Record<string, unknown> = {
      operationId: route.id,
      summary: route.summary,
      tags: route.tags,
      parameters: parameters(route),
      security: route.access === 'public' ? [] : [{ bearerToken: [] }, { apiKey: [] }],
      ...(route.access !== 'public' && route.access !== 'any' ? { 'x-keyward-permission': route.access } : {}),
      responses: {
        [String(route.success.status)]: {
          description: route.success.description,
          ...(route.success.schema ? { content: { 'application/json': { schema: jsonSchema(route.success.schema, 'output') } } } : {}),
        },
        ...errorResponses(route),
      },
    };
    if (route.body && route.bodyType) {
      const mediaType = route.bodyType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
      operation.requestBody = { required: true, content: { [mediaType]: { schema: jsonSchema(route.body, 'input') } } };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Keyward',
      version: '1',
      description:
        'API-key management: create, rotate and revoke keys; trade a key for a short-lived RS256 token. ' +
        'Errors are {code, message, requestId, details?}; lists page with an opaque cursor (nextCursor null on the last page). ' +
        'Bodies over 16 KiB get 413, other content types 415, unknown fields 400.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token from POST /v1/authentication or /v1/oauth/token' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A full API key' },
      },
    },
    paths,
  };
}
