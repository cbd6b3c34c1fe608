import { CALL_BUDGET_EXCEEDED, tagDependency, type Dependency } from './dependency-errors.ts';

/**
 * Time limits of every DynamoDB and KMS call, in one place. A function runs for at most 10 s
 * and its caller must get an answer (503 at worst) before that, so no call may hang: one call,
 * all its attempts and backoff included, ends within `callBudgetMs`, so even two calls of one
 * request that both hit a hung dependency (a write, then the release of its idempotency
 * claim) end within 8 s. Both services answer single-item requests in milliseconds; the
 * margin is for a busy machine (the local server runs every request in one process).
 */
export const dependencyLimits = {
  /** TCP (and TLS) connect: AWS endpoints connect in milliseconds; a second means unreachable. */
  connectionTimeoutMs: 1_000,
  /** One attempt, from sending until the response headers; also the longest silence while reading the body. */
  requestTimeoutMs: 2_000,
  /** Attempts per call, in standard retry mode (jittered backoff; a retry quota that stops retrying during an outage). */
  maxAttempts: 3,
  /**
   * One call, every attempt and backoff included. A hung dependency gets two attempts
   * (2 × 2 s); fast failures such as throttling get all three.
   */
  callBudgetMs: 4_000,
  /**
   * Sockets per client, kept alive across invocations (no TLS handshake per call). A Lambda
   * instance serves one request at a time; the local server serves all of them in one process.
   */
  maxSockets: 128,
  /** What a 503 caused by a dependency asks the caller to wait before retrying. */
  retryAfterSeconds: 2,
} as const;

const agent = { keepAlive: true, maxSockets: dependencyLimits.maxSockets };

/** The settings both AWS clients are built with. */
export const awsClientSettings = {
  maxAttempts: dependencyLimits.maxAttempts,
  retryMode: 'standard',
  requestHandler: {
    connectionTimeout: dependencyLimits.connectionTimeoutMs,
    requestTimeout: dependencyLimits.requestTimeoutMs,
    // Without it, a request past requestTimeout only logs a warning and keeps waiting.
    throwOnRequestTimeout: true,
    socketTimeout: dependencyLimits.requestTimeoutMs,
    httpAgent: agent,
    httpsAgent: agent,
  },
};

// The SDK's handler types differ per client; these middlewares only pass arguments through.
// biome-ignore lint/suspicious/noExplicitAny: each client's handler type is its own; these only pass values through.
type Next = (args: any) => Promise<any>;
type Middleware = (next: Next, context: Record<string, unknown>) => Next;
interface Stack {
  add(middleware: Middleware, options: { step: 'initialize'; priority: 'high'; name: string }): void;
  add(middleware: Middleware, options: { step: 'finalizeRequest'; priority: 'low'; name: string }): void;
}

const deadlineKey = 'keywardCallDeadline';

const budgetExceeded = () =>
  Object.assign(new Error(`The call took longer than its ${dependencyLimits.callBudgetMs} ms budget`), { name: CALL_BUDGET_EXCEEDED });

/**
 * Bounds every call of `client` by the call budget, however the SDK retries, and tags what it
 * throws with the dependency's name (for the 503, its log line and its metric). Past the
 * budget, no further attempt starts.
 */
export function boundCalls<C extends { middlewareStack: Stack }>(client: C, dependency: Dependency): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      context[deadlineKey] = Date.now() + dependencyLimits.callBudgetMs;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(budgetExceeded()), dependencyLimits.callBudgetMs);
      });
      try {
        return await Promise.race([next(args), expired]);
      } catch (error) {
        throw tagDependency(error, dependency);
      } finally {
        clearTimeout(timer);
      }
    },
    { step: 'initialize', priority: 'high', name: 'keywardCallBudget' },
  );
  // Runs once per attempt (inside the retry loop): an attempt due after the budget is not sent.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const deadline = context[deadlineKey];
      if (typeof deadline === 'number' && Date.now() >= deadline) throw budgetExceeded();
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'keywardAttemptDeadline' },
  );
  return client;
}
