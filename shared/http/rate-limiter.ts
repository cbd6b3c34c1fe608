const OVERFLOW = Symbol('overflow');

/**
 * Counts requests per client in fixed windows that start at each client's first request.
 * Memory stays bounded: ended windows are dropped once per window, and past `maxClients`
 * new clients share one count (a flood of addresses is throttled, not remembered).
 */
export class RateLimiter {
  readonly #windows = new Map<string | typeof OVERFLOW, { start: number; count: number }>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #maxClients: number;
  #sweptAt: number;

  /** `limit` requests per `windowMs` per client; 0 turns the limit off. */
  constructor(limit: number, windowMs = 60_000, now: () => number = Date.now, maxClients = 100_000) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#now = now;
    this.#maxClients = maxClients;
    this.#sweptAt = now();
  }

  /** Clients (and the shared overflow count) with a window in memory. */
  get size(): number {
    return this.#windows.size;
  }

  /** Counts one request: undefined when it may go on, else the whole seconds until its window ends. */
  take(client: string): number | undefined {
    if (this.#limit <= 0) return undefined;
    const now = this.#now();
    if (now - this.#sweptAt >= this.#windowMs) this.#sweep(now);
    const key = this.#windows.has(client) || this.#windows.size < this.#maxClients ? client : OVERFLOW;
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.#windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.#limit) return undefined;
    return Math.max(1, Math.ceil((window.start + this.#windowMs - now) / 1000));
  }

  #sweep(now: number) {
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.#windowMs) this.#windows.delete(key);
    }
    this.#sweptAt = now;
  }
}
