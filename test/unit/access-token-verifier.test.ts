import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { accessTokenVerifier } from '#shared/services/access-token-verifier.ts';

const issuer = 'https://keyward.example';
const audience = 'orders-api';

describe('offline access-token verification for downstream APIs', () => {
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let verify: (token: string) => ReturnType<ReturnType<typeof accessTokenVerifier>>;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const keys: JWTVerifyGetKey = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] });
    verify = accessTokenVerifier({ issuer, audience, keys });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const sign = (claims: JWTPayload, options: { typ?: string; iat?: number; exp?: number } = {}) =>
    new SignJWT({ tenant: 'acme', key_type: 'viewer', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: options.typ ?? 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('Ab3dE5gH7jK9mN1p')
      .setIssuedAt(options.iat ?? now())
      .setExpirationTime(options.exp ?? now() + 900)
      .sign(privateKey);

  it("returns the caller's tenant, key, type, scopes and owner", async () => {
    expect(await verify(await sign({ scope: 'orders:read  orders:write', owner_id: 'customer-42' }))).toEqual({
      tenant: 'acme',
      keyId: 'Ab3dE5gH7jK9mN1p',
      keyType: 'viewer',
      scopes: ['orders:read', 'orders:write'],
      ownerId: 'customer-42',
    });
  });

  it('gives no scopes and no owner when the token has none, or not as strings', async () => {
    const access = await verify(await sign({ scope: ['orders:read'], owner_id: 42 }));
    expect(access.scopes).toEqual([]);
    expect(access.ownerId).toBeUndefined();
  });

  it('refuses another spelling of the same token (padding on the signature)', async () => {
    const token = await sign({});
    await expect(verify(token)).resolves.toBeDefined();
    await expect(verify(`${token}=`)).rejects.toThrow('not a canonical compact JWT');
  });

  it('refuses a token that is not an access token, or is missing a required claim', async () => {
    await expect(verify(await sign({}, { typ: 'JWT' }))).rejects.toThrow(/typ/);
    await expect(verify(await sign({ tenant: undefined }))).rejects.toThrow(/tenant/);
  });

  it('refuses a validly signed token issued in the future, or living longer than an hour', async () => {
    await expect(verify(await sign({}, { iat: now() + 600, exp: now() + 900 }))).rejects.toThrow('iat is in the future');
    await expect(verify(await sign({}, { iat: now(), exp: now() + 7200 }))).rejects.toThrow('the lifetime must be at most 3600 s');
  });
});
