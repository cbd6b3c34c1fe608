import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAdapters } from '#shared/runtime.ts';
import { IdempotentRequests, type IdempotentRequest } from '#shared/services/idempotency.ts';
import { newTenant } from '../support/api.ts';

beforeAll(async () => {
  await newTenant('idempotent-requests');
});

afterEach(() => {
  vi.restoreAllMocks();
});

const requests = () => new IdempotentRequests(getAdapters().store.idempotency, getAdapters().cipher);

/** A request of `caller` for `operation`, sent now by an invocation with ten seconds left. */
const request = (idempotencyKey: string, parts: Partial<IdempotentRequest> = {}): IdempotentRequest => ({
  tenant: 'idempotent-requests',
  callerId: 'caller',
  operation: 'create',
  idempotencyKey,
  body: { name: 'first' },
  now: new Date(),
  deadline: new Date(Date.now() + 10_000),
  ...parts,
});

describe('idempotent requests', () => {
  it('refuse the same key with another body, and say to use a new key', async () => {
    await requests().run(request('mismatch'), async () => 'first');
    await expect(requests().run(request('mismatch', { body: { name: 'other' } }), async () => 'second')).rejects.toMatchObject({
      code: 'request.idempotency_mismatch',
      message: 'This Idempotency-Key was already used with a different body: use a new key for a different request.',
    });
  });

  it('refuse a repeat while the first runs, and say to retry in a moment', async () => {
    let finish!: (answer: string) => void;
    const first = requests().run(request('in-progress'), () => new Promise<string>((resolve) => (finish = resolve)));
    await vi.waitFor(() => expect(finish).toBeDefined());
    await expect(requests().run(request('in-progress'), async () => 'second')).rejects.toMatchObject({
      code: 'request.idempotency_in_progress',
      message: 'A request with this Idempotency-Key is still being processed: retry in a moment.',
    });
    finish('first');
    await expect(first).resolves.toEqual({ result: 'first', replayed: false });
  });

  it('store the answer once: in the work’s own transaction when it takes the completion, else after the work', async () => {
    const { store } = getAdapters();
    const complete = vi.spyOn(store.idempotency, 'complete');
    const inTransaction = await requests().run<string>(request('in-transaction'), async (completion) => {
      await store.changes.write([await completion('answer in the transaction')]);
      return 'answer in the transaction';
    });
    expect(inTransaction).toEqual({ result: 'answer in the transaction', replayed: false });
    expect(complete).not.toHaveBeenCalled();
    expect(await requests().run(request('in-transaction'), async () => 'again')).toEqual({
      result: 'answer in the transaction',
      replayed: true,
    });

    await requests().run(request('after-work'), async () => 'answer after the work');
    expect(complete).toHaveBeenCalledTimes(1);
    expect(await requests().run(request('after-work'), async () => 'again')).toEqual({ result: 'answer after the work', replayed: true });
  });

  it('keep apart requests whose caller, operation and key only read the same when run together', async () => {
    // Caller 'ab' creating, and caller 'a' doing 'bcreate': one claim if the parts ran together.
    await requests().run(request('same', { callerId: 'ab' }), async () => 'caller ab');
    expect(await requests().run(request('same', { callerId: 'a', operation: 'bcreate' }), async () => 'caller a')).toEqual({
      result: 'caller a',
      replayed: false,
    });
    // Operation 'revoke' with key 'k', and operation 'revok' with key 'ek'.
    await requests().run(request('k', { operation: 'revoke' }), async () => 'revoke');
    expect(await requests().run(request('ek', { operation: 'revok' }), async () => 'revok')).toEqual({ result: 'revok', replayed: false });
  });
});
