import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';
import { lambdaContext, toProxyEvent } from '#local/proxy-event.ts';

describe('a request that outlives its function', () => {
  it('is answered 503 with Retry-After shortly before the function times out, not cut off', async () => {
    // An action that never finishes, as a call to a store that never answers.
    const stuck = httpHandler(routes.openApi, () => new Promise<never>(() => undefined));
    const match = { route: { ...routes.openApi, id: 'openApi' as const }, pathParameters: {} };
    const event = toProxyEvent({ method: 'GET', url: '/openapi.json', headers: {}, body: '', sourceIp: '203.0.113.7' }, match);
    const result = (await stuck(event, lambdaContext('openapi', 1_500))) as APIGatewayProxyResult;
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body).code).toBe('service.unavailable');
    expect(Number(result.headers?.['retry-after'])).toBeGreaterThan(0);
  });
});
