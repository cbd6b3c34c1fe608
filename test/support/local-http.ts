import { afterAll, beforeAll } from 'vitest';
import type { Server } from 'node:http';
import { freePort } from '#local/dynamodb-local.ts';
import { createLocalServer } from '#local/server.ts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface HttpOptions {
  key?: string;
  token?: string;
  json?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

/**
 * Serves this test file's Keyward over real HTTP on 127.0.0.1 (the local server, the real
 * handlers, DynamoDB Local behind them) for the file's tests, and answers a client for it.
 */
export function useLocalServer() {
  const served = { base: '' };
  let server: Server;
  beforeAll(async () => {
    const port = await freePort();
    server = createLocalServer();
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    served.base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
  });

  /** One request as a client sends it: a key or a token, a JSON or raw body; the answer parsed when it is JSON. */
  async function http(method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers['x-api-key'] = options.key;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.raw;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${served.base}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  return { served, http };
}
