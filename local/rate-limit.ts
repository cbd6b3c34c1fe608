import { RateLimiter } from '#shared/http/rate-limiter.ts';
import { routes } from '#shared/http/routes.ts';

export { RateLimiter };

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
