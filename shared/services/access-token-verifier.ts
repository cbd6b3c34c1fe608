import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { isCanonicalCompactJwt, tokenTimesProblem } from './token-rules.ts';

/** What a downstream API learns about the caller of a valid Keyward token. */
export interface VerifiedAccess {
  tenant: string;
  keyId: string;
  keyType: string;
  scopes: string[];
  /** The key's owner in your own systems, when it has one. */
  ownerId: string | undefined;
}

/**
 * Verifies Keyward access tokens offline for downstream APIs, as RFC 9068 asks: RS256 only,
 * `typ` at+jwt, the issuer, audience and expiry checked, `iat` not in the future and a
 * lifetime of at most an hour. Throws on any failure. Offline verification cannot see a
 * regenerate or a revocation: tokens stay valid here until `exp`, which is why they are short-lived.
 */
export function accessTokenVerifier(options: { issuer: string; audience: string; keys: JWTVerifyGetKey }) {
  return async (token: string): Promise<VerifiedAccess> => {
    if (!isCanonicalCompactJwt(token)) throw new errors.JWSInvalid('not a canonical compact JWT');
    const { payload } = await jwtVerify(token, options.keys, {
      algorithms: ['RS256'],
      typ: 'at+jwt',
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['exp', 'iat', 'sub', 'tenant'],
    });
    const problem = tokenTimesProblem(payload, new Date());
    if (problem) throw new errors.JWTClaimValidationFailed(problem, payload);
    return {
      tenant: String(payload.tenant),
      keyId: String(payload.sub),
      keyType: String(payload.key_type ?? ''),
      scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
      ownerId: typeof payload.owner_id === 'string' ? payload.owner_id : undefined,
    };
  };
}
