import type { JWTPayload } from 'jose';

/** Three base64url parts; padding or any other character is refused before the signature is checked. */
const compactJwt = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * True for a compact JWT spelled the one canonical way. A base64url decoder ignores the
 * unused low bits of the last character (and padding), so several strings decode to the same
 * signature; accepting only the canonical one gives every token exactly one spelling.
 */
export function isCanonicalCompactJwt(token: string): boolean {
  if (!compactJwt.test(token)) return false;
  const signature = token.slice(token.lastIndexOf('.') + 1);
  return Buffer.from(signature, 'base64url').toString('base64url') === signature;
}

/** Keyward never issues a token that lives longer than this. */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;
/** Clocks of issuer and verifier may differ by this much. */
const CLOCK_LEEWAY_SECONDS = 60;

/**
 * What is wrong with a token's `iat` and `exp`, if anything: both must be whole seconds,
 * `iat` not in the future (with leeway), and `exp` after `iat` by at most an hour. A validly
 * signed token that breaks these was not minted by a correct issuer.
 */
export function tokenTimesProblem(payload: JWTPayload, now: Date): string | undefined {
  const { iat, exp } = payload;
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp)) return 'iat and exp must be whole seconds';
  const issuedAt = iat as number;
  const expires = exp as number;
  if (issuedAt > Math.floor(now.getTime() / 1000) + CLOCK_LEEWAY_SECONDS) return 'iat is in the future';
  if (expires <= issuedAt || expires - issuedAt > MAX_TOKEN_LIFETIME_SECONDS)
    return `the lifetime must be at most ${MAX_TOKEN_LIFETIME_SECONDS} s`;
  return undefined;
}
