import { beforeAll, describe, expect, it } from 'vitest';
import { call, countRecordedUses, createKey, newTenant, withKey } from '../support/api.ts';

// A use of a key whose secret is right but which is refused anyway (source address, rate
// limit, credits): what the holder is told, what the tenant's audit log keeps, and how usage
// analytics count it. Real handlers over DynamoDB Local; windows a day long, so no test
// straddles one.

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('refusals'));
});

const authenticate = (apiKey: string, sourceIp = '203.0.113.7') => call('POST', '/v1/authentication', { json: { apiKey }, sourceIp });

async function failureReasons(keyId: string): Promise<unknown[]> {
  const answer = await call('GET', `/v1/audit?keyId=${keyId}&limit=50`, { headers: withKey(admin) });
  expect(answer.status).toBe(200);
  return answer.body.items
    .filter((event: { action: string }) => event.action === 'authentication.failure')
    .map((event: { details: { reason: unknown } }) => event.details.reason);
}

async function usageTotals(keyId: string) {
  await countRecordedUses();
  const answer = await call('GET', `/v1/keys/${keyId}/usage`, { headers: withKey(admin) });
  expect(answer.status).toBe(200);
  return answer.body.totals;
}

describe('a use from an address the key does not allow', () => {
  it('is told to ask for the address to be allowed, and is audited as ip_not_allowed', async () => {
    const { key, apiKey } = await createKey(admin, { allowedIps: ['203.0.113.0/24'] });
    const refused = await authenticate(apiKey, '198.51.100.1');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'authentication.ip_not_allowed',
      message: 'This key may not be used from your address: ask an admin of your tenant to add it to the allowed IPs.',
    });
    expect(await failureReasons(key.id)).toEqual(['ip_not_allowed']);
  });
});

describe('a use over the rate limit', () => {
  it('is told in how many seconds to retry, the same as Retry-After, is audited as rate_limited and counted as rateLimited', async () => {
    const { key, apiKey } = await createKey(admin, { rateLimit: { limit: 1, windowSeconds: 86_400 } });
    expect((await authenticate(apiKey)).status).toBe(200);
    const refused = await authenticate(apiKey);
    expect(refused.status).toBe(429);
    const retryAfter = refused.headers['retry-after'];
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({
      code: 'authentication.rate_limited',
      message: `This key is over its rate limit: retry in ${retryAfter} seconds.`,
    });
    expect(await failureReasons(key.id)).toEqual(['rate_limited']);
    expect(await usageTotals(key.id)).toEqual({ valid: 1, rateLimited: 1, usageExceeded: 0, ipNotAllowed: 0, refused: 0 });
  });
});

describe('a use with no credits left', () => {
  it('without a refill, is told to ask for credits, with no Retry-After; audited as usage_exceeded and counted as usageExceeded', async () => {
    const { key, apiKey } = await createKey(admin, { credits: { remaining: 1 } });
    expect((await authenticate(apiKey)).status).toBe(200);
    const refused = await authenticate(apiKey);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(refused.body).toMatchObject({
      code: 'authentication.usage_exceeded',
      message: 'This key has used all its credits: ask an admin of your tenant to add credits.',
    });
    expect(await failureReasons(key.id)).toEqual(['usage_exceeded']);
    expect(await usageTotals(key.id)).toEqual({ valid: 1, rateLimited: 0, usageExceeded: 1, ipNotAllowed: 0, refused: 0 });
  });

  it('with a refill, is told in how many seconds they refill, the same as Retry-After', async () => {
    const { apiKey } = await createKey(admin, { credits: { remaining: 1, refill: { amount: 1, interval: 'daily' } } });
    expect((await authenticate(apiKey)).status).toBe(200);
    const refused = await authenticate(apiKey);
    expect(refused.status).toBe(429);
    const retryAfter = refused.headers['retry-after'];
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(86_400);
    expect(refused.body.message).toBe(
      `This key has used all its credits until they refill in ${retryAfter} seconds: retry then, or ask an admin for more.`,
    );
  });
});
