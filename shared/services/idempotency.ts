import { createHash } from 'node:crypto';
import { KeywardError } from '../errors.ts';
import type { Cipher, IdempotencyStore, WriteOp } from '../ports.ts';

/** A repeat within this window gets the first answer again. */
const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

export interface IdempotentRequest {
  /** Whose request it is: keys are per caller, so one caller cannot replay another's answer. */
  tenant: string;
  callerId: string;
  /** The operation, so one key cannot replay another route's answer. */
  operation: string;
  idempotencyKey: string;
  body: unknown;
  now: Date;
  /** When this invocation will have been cut off: a claim left in progress after that may be taken over. */
  deadline: Date;
}

/**
 * Requests made safe to repeat with an `Idempotency-Key` header: the first runs, and a
 * repeat within 24 hours with the same body gets the first answer, which is stored sealed by
 * the cipher (it may hold a secret). A repeat while the first still runs gets 409; a claim
 * whose invocation ran out of time is taken over, so a timeout does not block the key for a day.
 */
export class IdempotentRequests {
  private readonly store: IdempotencyStore;
  private readonly cipher: Cipher;

  constructor(store: IdempotencyStore, cipher: Cipher) {
    this.store = store;
    this.cipher = cipher;
  }

  /**
   * Runs `work` once per key. `work` may take the completion as a write of its own
   * transaction (`completion(answer)`), so that its change and the stored answer land
   * together: a function that dies right after its write still leaves the answer to replay.
   */
  async run<T>(
    request: IdempotentRequest,
    work: (completion: (answer: T) => Promise<WriteOp>) => Promise<T>,
  ): Promise<{ result: T; replayed: boolean }> {
    const id = [request.tenant, request.callerId, request.operation, request.idempotencyKey].join('#');
    const requestHash = createHash('sha256')
      .update(JSON.stringify(request.body ?? null))
      .digest('base64url');
    const sealContext = { tenant: request.tenant, keyId: request.callerId, purpose: 'idempotent-response' } as const;
    const existing = await this.store.claim(
      {
        id,
        requestHash,
        state: 'in_progress',
        inProgressUntil: request.deadline.toISOString(),
        expiresAt: new Date(request.now.getTime() + IDEMPOTENCY_WINDOW_MS).toISOString(),
      },
      request.now,
    );
    if (existing) {
      if (existing.requestHash !== requestHash) {
        throw new KeywardError(
          'request.idempotency_mismatch',
          'This Idempotency-Key was already used with a different body: use a new key for a different request.',
        );
      }
      if (existing.state !== 'completed' || !existing.sealedResponse) {
        throw new KeywardError(
          'request.idempotency_in_progress',
          'A request with this Idempotency-Key is still being processed: retry in a moment.',
        );
      }
      const first = JSON.parse(Buffer.from(await this.cipher.open(existing.sealedResponse, sealContext)).toString('utf8')) as T;
      return { result: first, replayed: true };
    }
    let completedInTransaction = false;
    const completion = async (answer: T): Promise<WriteOp> => {
      completedInTransaction = true;
      return { kind: 'completeIdempotency', id, sealedResponse: await this.cipher.seal(Buffer.from(JSON.stringify(answer)), sealContext) };
    };
    try {
      const result = await work(completion);
      if (!completedInTransaction) await this.store.complete(id, await this.cipher.seal(Buffer.from(JSON.stringify(result)), sealContext));
      return { result, replayed: false };
    } catch (error) {
      await this.store.release(id);
      throw error;
    }
  }
}

/** The Idempotency-Key header, checked: 1-255 visible ASCII characters, such as a UUID. */
export function idempotencyKeyOf(headers: Record<string, string | undefined>): string | undefined {
  const key = headers['idempotency-key'];
  if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new KeywardError('request.invalid', 'The Idempotency-Key header must be 1-255 visible ASCII characters, such as a UUID.');
  }
  return key;
}
