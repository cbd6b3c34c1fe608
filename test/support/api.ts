import type { APIGatewayProxyEvent } from 'aws-lambda';
import { prepareRouteCall } from '#local/invoke.ts';
import { localUseCounter } from '#local/use-counter.ts';
import { getAdapters } from '#shared/runtime.ts';
import { getConfig } from '#shared/config.ts';
import { ensureTable } from '#shared/adapters/dynamodb/table.ts';
import { bootstrapTenant } from '#shared/services/bootstrap.ts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
}

export interface CallOptions {
  /** A JSON body (sent with Content-Type application/json unless headers say otherwise). */
  json?: unknown;
  /** A raw body, sent as it is. */
  raw?: string;
  headers?: Record<string, string>;
  sourceIp?: string;
  /** Adjusts the proxy event before the handler sees it. */
  event?: (event: APIGatewayProxyEvent) => void;
}

/**
 * Sends one request through the route table to its handler, as API Gateway (or the local
 * server) would: a real proxy event, the real handler, DynamoDB Local behind it.
 */
export async function call<T = any>(method: string, url: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.raw ?? '';
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const { event, invoke } = await prepareRouteCall({
    method,
    url,
    headers,
    body,
    ...(options.sourceIp ? { sourceIp: options.sourceIp } : {}),
  });
  options.event?.(event);
  const result = await invoke();
  const responseHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return {
    status: result.statusCode,
    headers: responseHeaders,
    text: result.body,
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}

export const withKey = (apiKey: string) => ({ 'x-api-key': apiKey });

/** The status, code and message of an error answer, to compare as one. */
export const errorOf = (response: ApiResponse) => [response.status, response.body.code, response.body.message];
export const withToken = (token: string) => ({ authorization: `Bearer ${token}` });

let tableReady: Promise<void> | undefined;

/** Creates this test file's table (once) and a tenant with its system key. */
export async function newTenant(tenant: string) {
  tableReady ??= ensureTable(getAdapters().dynamoDb, getConfig().tableName);
  await tableReady;
  return bootstrapTenant(getAdapters(), tenant, new Date());
}

/** A token for `apiKey` from POST /v1/authentication. */
export async function tokenFor(apiKey: string): Promise<string> {
  const response = await call('POST', '/v1/authentication', { json: { apiKey } });
  if (response.status !== 200) throw new Error(`authentication failed: ${response.text}`);
  return response.body.token;
}

/** Creates a key through the API as `adminKey` and returns the answer's body. */
export async function createKey(adminKey: string, input: Record<string, unknown> = {}) {
  const response = await call('POST', '/v1/keys', { headers: withKey(adminKey), json: { name: 'test key', type: 'privileged', ...input } });
  if (response.status !== 201) throw new Error(`create failed: ${response.text}`);
  return response.body as { key: { id: string; [k: string]: unknown }; apiKey: string; keySecret: string };
}

/** Counts the uses recorded so far, as the log subscription does in AWS (the local server does it before each read). */
export async function countRecordedUses(): Promise<void> {
  const counter = localUseCounter();
  if (!counter) throw new Error('KEYWARD_USES_FILE is not set: uses are not recorded in a file');
  await counter.drain();
}
