import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { freePort } from '#local/dynamodb-local.ts';

/**
 * An OpenID Provider's public face for the bench: its discovery document and JWKS on the
 * loopback, with every request counted, and ID tokens signed with its key. Enough to measure
 * a person's token exchange and to prove a warm one asks the provider nothing.
 */
export async function startBenchIssuer(audience: string) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const state = { requests: 0 };
  const server = createServer((request, response) => {
    state.requests++;
    response.setHeader('content-type', 'application/json');
    if (request.url === '/.well-known/openid-configuration')
      return response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256'] }));
    if (request.url === '/jwks') return response.end(JSON.stringify({ keys: [jwk] }));
    response.writeHead(404).end('{}');
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    issuer,
    state,
    idToken: (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
