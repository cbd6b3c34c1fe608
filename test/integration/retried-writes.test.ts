import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAdapters } from '#shared/runtime.ts';
import { call, createKey, newTenant, withKey } from '../support/api.ts';
import { withMiddleware } from '../support/dynamodb-calls.ts';

// A write can land while its answer is lost (a timeout, a dropped connection): the SDK then
// sends it again. A conditional write must know its own landed attempt when the retry trips
// its condition, and must not count twice when the retry would pass it.

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('retried-writes'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Runs `work` while the first attempt of the first `command` whose `input` matches reaches
 * DynamoDB Local and lands, but its answer is replaced by a timeout, which the SDK retries.
 */
async function answerLostOnce<T>(
  command: string,
  matches: (input: any) => boolean,
  work: () => Promise<T>,
): Promise<{ result: T; lost: number }> {
  let lost = 0;
  const result = await withMiddleware(
    (next, context) => async (args) => {
      if (context.commandName !== command || lost > 0 || !matches(args.input)) return next(args);
      await next(args);
      lost++;
      throw Object.assign(new Error('the answer was lost'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    },
    'finalizeRequest',
    work,
  );
  return { result, lost };
}

const isClaim = (input: any) => input.Item?.entity?.S === 'idempotency';
const isUse = (keyId: string) => (input: any) => JSON.stringify(input.Key ?? {}).includes(keyId);

describe('an idempotency claim whose answer was lost', () => {
  it('is still the request’s own claim when the SDK sends it again', async () => {
    const headers = { ...withKey(admin), 'idempotency-key': `claim-${Math.random()}` };
    const body = { name: 'claimed once', type: 'viewer' };
    const { result: created, lost } = await answerLostOnce('PutItemCommand', isClaim, () =>
      call('POST', '/v1/keys', { headers, json: body }),
    );
    expect(lost).toBe(1);
    expect([created.status, created.body.code]).toEqual([201, undefined]);
    const replay = await call('POST', '/v1/keys', { headers, json: body });
    expect([replay.status, replay.headers['idempotent-replayed'], replay.body.key.id]).toEqual([201, 'true', created.body.key.id]);
  });
});

describe('a use whose count landed but whose answer was lost', () => {
  it('is counted once against the rate limit', async () => {
    const { key, apiKey } = await createKey(admin, { rateLimit: { limit: 5, windowSeconds: 3600 } });
    const { result: used, lost } = await answerLostOnce('UpdateItemCommand', isUse(key.id), () =>
      call('POST', '/v1/authentication', { json: { apiKey } }),
    );
    expect(lost).toBe(1);
    expect(used.status).toBe(200);
    expect(used.headers['ratelimit-remaining']).toBe('4');
    expect(await getAdapters().store.keys.get(key.id)).toMatchObject({ rateCount: 1 });
  });

  it('costs one credit', async () => {
    const { key, apiKey } = await createKey(admin, { credits: { remaining: 10 } });
    const { result: verdict, lost } = await answerLostOnce('UpdateItemCommand', isUse(key.id), () =>
      call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { apiKey } }),
    );
    expect(lost).toBe(1);
    expect([verdict.status, verdict.body.valid, verdict.body.credits]).toEqual([200, true, { remaining: 9 }]);
    expect((await getAdapters().store.keys.get(key.id))?.credits).toMatchObject({ remaining: 9 });
  });

  it('with the key’s last credit is accepted, not refused as used up', async () => {
    const { key, apiKey } = await createKey(admin, { credits: { remaining: 1 } });
    const { result: used } = await answerLostOnce('UpdateItemCommand', isUse(key.id), () =>
      call('POST', '/v1/authentication', { json: { apiKey } }),
    );
    expect([used.status, used.body.code]).toEqual([200, undefined]);
    expect((await getAdapters().store.keys.get(key.id))?.credits).toMatchObject({ remaining: 0 });
  });
});
