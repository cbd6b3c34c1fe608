import { describe, expect, it } from 'vitest';
import { isCanonicalCompactJwt, MAX_TOKEN_LIFETIME_SECONDS, tokenTimesProblem } from '#shared/services/token-rules.ts';

describe('canonical compact JWTs', () => {
  // 'AAAA' is a canonical base64url signature (three zero bytes), so only the shape is judged.
  it('accepts three base64url parts', () => {
    expect(isCanonicalCompactJwt('eyJh.eyJi.AAAA')).toBe(true);
  });

  it.each([
    ['a character outside base64url in the header', 'ey!h.eyJi.AAAA'],
    ['a character before the first part', '!eyJh.eyJi.AAAA'],
    ['a character after the last part', 'eyJh.eyJi.AAAA!'],
    ['four parts', 'eyJh.eyJi.eyJj.AAAA'],
    ['two parts', 'eyJi.AAAA'],
    ['an empty part', 'eyJh..AAAA'],
    ['padding', 'eyJh.eyJi.AAAA='],
    ['a signature whose unused low bits are set', 'eyJh.eyJi.AAB'],
  ])('refuses %s', (_, token) => {
    expect(isCanonicalCompactJwt(token)).toBe(false);
  });
});

describe('token times', () => {
  const now = new Date('2026-11-23T10:00:00.000Z');
  const nowSeconds = now.getTime() / 1000;
  const times = (iat: unknown, exp: unknown) => tokenTimesProblem({ iat, exp } as never, now);

  it('accepts a token issued now for the longest lifetime', () => {
    expect(times(nowSeconds, nowSeconds + MAX_TOKEN_LIFETIME_SECONDS)).toBeUndefined();
  });

  it('allows a minute of clock difference, not more', () => {
    expect(times(nowSeconds + 60, nowSeconds + 120)).toBeUndefined();
    expect(times(nowSeconds + 61, nowSeconds + 120)).toBe('iat is in the future');
  });

  it('refuses a lifetime of zero, below zero, or over the longest', () => {
    const lifetime = `the lifetime must be at most ${MAX_TOKEN_LIFETIME_SECONDS} s`;
    expect(times(nowSeconds, nowSeconds)).toBe(lifetime);
    expect(times(nowSeconds, nowSeconds - 1)).toBe(lifetime);
    expect(times(nowSeconds, nowSeconds + MAX_TOKEN_LIFETIME_SECONDS + 1)).toBe(lifetime);
    expect(times(nowSeconds, nowSeconds + 1)).toBeUndefined();
  });

  it.each([
    ['a fraction', nowSeconds + 0.5, nowSeconds + 60],
    ['a missing iat', undefined, nowSeconds + 60],
    ['a missing exp', nowSeconds, undefined],
    ['a string', String(nowSeconds), nowSeconds + 60],
  ])('refuses %s', (_, iat, exp) => {
    expect(times(iat, exp)).toBe('iat and exp must be whole seconds');
  });
});
