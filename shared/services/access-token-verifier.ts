import { jwtVerify, type JWTVerifyGetKey } from 'jose';

/** What a downstream API learns about the caller of a valid Keyward token. */
export interface VerifiedAccess {
  tenant: string;
  keyId: string;
  keyType: string;
  scopes: string[];
}

/**
 * Verifies Keyward access tokens offline for downstream APIs, as RFC 9068 asks: RS256 only,
 * `typ` at+jwt, and the issuer, audience and expiry checked. Throws on any failure.
 */
export function accessTokenVerifier(options: { issuer: string; audience: string; keys: JWTVerifyGetKey }) {
  return async (token: string): Promise<VerifiedAccess> => {
    const { payload } = await jwtVerify(token, options.keys, {
      algorithms: ['RS256'],
      typ: 'at+jwt',
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['exp', 'sub', 'tenant'],
    });
    return {
      tenant: String(payload.tenant),
      keyId: String(payload.sub),
      keyType: String(payload.key_type ?? ''),
      scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
    };
  };
}
