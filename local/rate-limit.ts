import { routes } from '#shared/http/routes.ts';

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

export interface RateLimits {
  /** Requests per minute per address to the token routes; 0 turns the limit off. */
  tokenRoutesPerMinute?: number;
  /** Requests per minute per address to any /v1/ path (token routes included); 0 turns it off. */
  apiPerMinute?: number;
}

// Generous, so the test suite and a load test of a few hundred concurrent requests from
// 127.0.0.1 pass, yet a shared network still cannot guess without limit (AWS has WAF).
export const DEFAULT_RATE_LIMITS = { tokenRoutesPerMinute: 3_000, apiPerMinute: 10_000 } as const;

const TOKEN_PATHS = new Set<string>([routes.authenticate.path, routes.oauthToken.path]);

/**
 * The local stand-in for the WAF rate rules: per source address, the token routes strictly
 * (any method, any case, with or without a trailing slash, as the WAF rule matches them)
 * and all /v1/ paths loosely. Answers undefined, or the seconds to wait before retrying.
 */
export function perAddressLimits(limits: RateLimits = {}): (address: string, path: string) => number | undefined {
  const token = new RateLimiter(limits.tokenRoutesPerMinute ?? DEFAULT_RATE_LIMITS.tokenRoutesPerMinute);
  const api = new RateLimiter(limits.apiPerMinute ?? DEFAULT_RATE_LIMITS.apiPerMinute);
  return (address, path) => {
    const lower = path.toLowerCase();
    if (!lower.startsWith('/v1/')) return undefined;
    const tokenWait = TOKEN_PATHS.has(lower.replace(/\/$/, '')) ? token.take(address) : undefined;
    return tokenWait ?? api.take(address);
  };
}
