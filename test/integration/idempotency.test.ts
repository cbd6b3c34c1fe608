import { beforeAll, describe, expect, it } from 'vitest';
import type { ChangeWriter } from '#shared/ports.ts';
import { getAdapters, getServices } from '#shared/runtime.ts';
import { IdempotentRequests } from '#shared/services/idempotency.ts';
import { call, newTenant, withKey } from '../support/api.ts';
import { commandsSentBy } from '../support/dynamodb-calls.ts';

// The table, and the tenant the requests below name.
beforeAll(async () => {
  await newTenant('idempotency');
});

/** A request sent at `now` (the present unless given) by an invocation cut off `deadlineInMs` later. */
const request = (idempotencyKey: string, deadlineInMs: number, now = new Date()) => {
  return {
    tenant: 'idempotency',
    callerId: 'caller',
    operation: 'test',
    idempotencyKey,
    body: { n: 1 },
    now,
    deadline: new Date(now.getTime() + deadlineInMs),
  };
};

describe('idempotent requests', () => {
  it('refuse a repeat while the first still runs, and take over a claim whose invocation ran out of time', async () => {
    const { store, cipher } = getAdapters();
    const requests = new IdempotentRequests(store.idempotency, cipher);
    // The requests say when they were sent, so how fast the machine runs them does not matter.
    const start = Date.now();
    const at = (ms: number) => new Date(start + ms);
    // The first invocation claims and never finishes, as a function killed at its timeout.
    let claimed!: () => void;
    const firstClaimed = new Promise<void>((done) => (claimed = done));
    void requests.run(request('timed-out', 300, at(0)), () => {
      claimed();
      return new Promise<never>(() => undefined);
    });
    await firstClaimed;
    // 50 ms later: the first is still within its deadline.
    const stillRunning = requests.run(request('timed-out', 300, at(50)), async () => 'second');
    await expect(stillRunning).rejects.toMatchObject({ code: 'request.idempotency_in_progress' });
    // 400 ms later: the first invocation was cut off at 300 ms, so its claim is taken over.
    const takenOver = requests.run(request('timed-out', 300, at(400)), async () => 'second');
    await expect(takenOver).resolves.toEqual({ result: 'second', replayed: false });
    const replayed = requests.run(request('timed-out', 300, at(450)), async () => 'third');
    await expect(replayed).resolves.toEqual({ result: 'second', replayed: true });
  });

  it('read no item to learn why a claim failed: the refusal carries the claim that stands', async () => {
    const { store, cipher } = getAdapters();
    const requests = new IdempotentRequests(store.idempotency, cipher);
    await requests.run(request('one-write', 10_000), async () => 'first');
    const sent = await commandsSentBy(() => requests.run(request('one-write', 10_000), async () => 'again'));
    expect(sent).toEqual(['PutItemCommand']);
  });
});

describe('a create whose function fails after its write', () => {
  it('is answered on retry with the first key, not a second one', async () => {
    // A tenant of its own: the listing below counts only this test's keys.
    const { apiKey: own } = await newTenant('idempotency-lost-answer');
    const { store } = getAdapters();
    await getServices();
    const real: ChangeWriter = store.changes;
    let failOnce = true;
    // The write lands, then the function fails before answering (as a timeout after the write would).
    store.changes = {
      write: async (ops) => {
        await real.write(ops);
        if (failOnce) {
          failOnce = false;
          throw new Error('the connection was lost after the write');
        }
      },
    };
    try {
      const headers = { ...withKey(own), 'idempotency-key': 'lost-answer' };
      const body = { name: 'lost answer', type: 'viewer' };
      const first = await call('POST', '/v1/keys', { headers, json: body });
      expect(first.status).toBe(500);
      const retry = await call('POST', '/v1/keys', { headers, json: body });
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      const listed = await call('GET', '/v1/keys?search=lost%20answer', { headers: withKey(own) });
      expect(listed.body.items.map((key: { id: string }) => key.id)).toEqual([retry.body.key.id]);
      expect((await call('POST', '/v1/authentication', { json: { apiKey: retry.body.apiKey } })).status).toBe(200);
    } finally {
      store.changes = real;
    }
  });
});
