import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { freePort } from '#local/dynamodb-local.ts';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/**
 * A stand-in OpenID Provider for tests that need tokens no real provider would sign (expired,
 * for another audience, with no groups): its discovery document and JWKS over real HTTP on
 * the loopback, requests counted, and an outage or a slow answer on demand.
 */
export async function startTestIdentityProvider() {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const state = {
    published: [await newSigningKey('key-1')],
    requests: 0,
    down: false,
    delayMs: 0,
  };
  const server: Server = createServer((request, response) => {
    state.requests++;
    setTimeout(() => {
      if (state.down) return response.writeHead(503).end();
      response.setHeader('content-type', 'application/json');
      if (request.url === '/.well-known/openid-configuration') {
        return response.end(
          JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256', 'ES256'] }),
        );
      }
      if (request.url === '/jwks') return response.end(JSON.stringify({ keys: state.published.map((key) => key.publicJwk) }));
      response.writeHead(404).end('{}');
    }, state.delayMs);
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));

  /** An ID token for `claims` (iss, iat, exp, aud defaulted), signed with `key` (the first published key by default). */
  async function sign(claims: JWTPayload & Record<string, unknown>, key: SigningKey = state.published[0]!) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: issuer, aud: 'keyward-console', iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  return { issuer, state, sign, stop: () => new Promise<void>((done) => server.close(() => done())) };
}
