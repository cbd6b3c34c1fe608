import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { prepareRouteCall } from '#local/invoke.ts';

export interface HandlerRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  /** An application/x-www-form-urlencoded body, as OAuth clients send. */
  form?: Record<string, string>;
  /** A body sent as it is (with its own content type in `headers`), as a webhook's. */
  raw?: string;
}

function eventParts(request: HandlerRequest) {
  const headers = { ...request.headers };
  let body = '';
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  } else if (request.raw !== undefined) {
    body = request.raw;
  }
  return { method: request.method, url: request.url, headers, body };
}

/**
 * Sends one request to its real handler through a real API Gateway proxy event, and times
 * only the handler: building the event is API Gateway's work, not the function's.
 */
export async function timedCall(request: HandlerRequest, expectedStatus: number): Promise<{ ms: number; result: APIGatewayProxyResult }> {
  const { invoke } = await prepareRouteCall(eventParts(request));
  const started = performance.now();
  const result = await invoke();
  const elapsed = performance.now() - started;
  if (result.statusCode !== expectedStatus) {
    throw new Error(`${request.method} ${request.url} answered ${result.statusCode}, not ${expectedStatus}: ${result.body}`);
  }
  return { ms: elapsed, result };
}

/** Runs one request through its real handler without timing it (for many at once). */
export async function prepareCall(request: HandlerRequest): Promise<APIGatewayProxyResult> {
  const { invoke } = await prepareRouteCall(eventParts(request));
  return invoke();
}
