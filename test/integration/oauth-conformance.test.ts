import { beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { decodeJwt } from 'jose';
import { getConfig } from '#shared/config.ts';
import { newTenant } from '../support/api.ts';
import { useLocalServer } from '../support/local-http.ts';

// The standards details, proven with a third-party OAuth client (oauth4webapi) over real HTTP
// against the local server. The issuer is https://keyward.test; the client's fetch is pointed
// at the local server, as DNS would point it at API Gateway.

const { served, http: api } = useLocalServer();
let systemKey: string;
const issuer = new URL(getConfig().issuer);

const toLocal: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return fetch(`${served.base}${url.pathname}${url.search}`, init);
};
const viaLocal = { [oauth.customFetch]: toLocal };

async function newKey(input: Record<string, unknown>) {
  const created = await api('POST', '/v1/keys', { key: systemKey, json: { name: 'oauth client', type: 'privileged', ...input } });
  expect(created.status).toBe(201);
  return created.body as { key: { id: string }; apiKey: string; keySecret: string };
}

async function discover(algorithm: 'oauth2' | 'oidc') {
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm, ...viaLocal }));
}

/** Runs a client credentials grant; answers the token response, or the OAuth error the client library reports. */
async function grant(as: oauth.AuthorizationServer, clientId: string, auth: oauth.ClientAuth, parameters: Record<string, string> = {}) {
  const client: oauth.Client = { client_id: clientId };
  const response = await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams(parameters), viaLocal);
  try {
    return { ok: await oauth.processClientCredentialsResponse(as, client, response) };
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) return { status: error.status, error: error.error };
    if (error instanceof oauth.WWWAuthenticateChallengeError) {
      const body = (await error.response.json()) as { error: string };
      return { status: error.status, error: body.error, challenge: error.cause[0]?.scheme };
    }
    throw error;
  }
}

beforeAll(async () => {
  systemKey = (await newTenant('oauth-conformance')).apiKey;
});

describe('discovery', () => {
  it('finds the token endpoint through both well-known documents (RFC 8414 and OpenID)', async () => {
    for (const algorithm of ['oauth2', 'oidc'] as const) {
      const as = await discover(algorithm);
      expect(as.issuer).toBe(issuer.href.replace(/\/$/, ''));
      expect(as.token_endpoint).toBe(`${getConfig().issuer}/v1/oauth/token`);
      expect(as.jwks_uri).toBe(`${getConfig().issuer}/.well-known/jwks.json`);
      expect(as.grant_types_supported).toContain('client_credentials');
    }
  });
});

describe('the client credentials grant', () => {
  it('answers with client_secret_basic and client_secret_post', async () => {
    const { key, keySecret } = await newKey({ scopes: ['orders:read'] });
    const as = await discover('oauth2');
    for (const auth of [oauth.ClientSecretBasic(keySecret), oauth.ClientSecretPost(keySecret)]) {
      const result = await grant(as, key.id, auth);
      expect(result.ok?.token_type).toBe('bearer');
      expect(result.ok?.scope).toBe('keys:read keys:write orders:read');
    }
  });

  it('narrows the token to the scopes asked for, on Keyward routes too', async () => {
    const { key, keySecret } = await newKey({ scopes: ['orders:read', 'orders:write'] });
    const as = await discover('oauth2');
    const narrowed = await grant(as, key.id, oauth.ClientSecretBasic(keySecret), { scope: 'orders:read keys:read' });
    expect(narrowed.ok?.scope).toBe('keys:read orders:read');
    const token = narrowed.ok!.access_token;
    expect(decodeJwt(token).scope).toBe('keys:read orders:read');
    const whoami = await api('GET', '/v1/whoami', { token });
    expect(whoami.body.scopes).toEqual(['keys:read', 'orders:read']);
    expect((await api('GET', '/v1/keys', { token })).status).toBe(200);
    // The key may write keys, but this token did not ask for it.
    const create = await api('POST', '/v1/keys', { token, json: { name: 'x', type: 'viewer' } });
    expect(create.status).toBe(403);
    expect(create.body.message).toContain("'keys:write'");
  });

  it('answers each error of RFC 6749 5.2 that a client credentials grant can meet', async () => {
    const { key, keySecret } = await newKey({ scopes: ['orders:read'] });
    const as = await discover('oauth2');
    expect(await grant(as, key.id, oauth.ClientSecretBasic(keySecret), { scope: 'orders:write' })).toMatchObject({
      status: 400,
      error: 'invalid_scope',
    });
    expect(await grant(as, key.id, oauth.ClientSecretBasic('A'.repeat(32)))).toMatchObject({ status: 401, error: 'invalid_client' });
    expect(await grant(as, key.id, oauth.None())).toMatchObject({ status: 401, error: 'invalid_client' });

    const raw = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${served.base}/v1/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    const anonymous = await raw('grant_type=client_credentials');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="keyward"/);
    expect(((await anonymous.json()) as { error: string }).error).toBe('invalid_client');
    const wrongGrant = await raw(`grant_type=password&client_id=${key.id}&client_secret=${keySecret}`);
    expect(wrongGrant.status).toBe(400);
    expect(((await wrongGrant.json()) as { error: string }).error).toBe('unsupported_grant_type');
    const twice = await raw(`grant_type=client_credentials&client_id=${key.id}&client_secret=${keySecret}`, {
      authorization: `Basic ${btoa(`${key.id}:${keySecret}`)}`,
    });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { error: string }).error).toBe('invalid_request');
  });
});

describe('401 answers on management routes', () => {
  it('carry a Bearer challenge (RFC 6750 3), naming invalid_token when a token was sent', async () => {
    const none = await fetch(`${served.base}/v1/keys`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="keyward"');
    const badKey = await fetch(`${served.base}/v1/keys`, { headers: { 'x-api-key': `kw_${'A'.repeat(54)}` } });
    expect(badKey.status).toBe(401);
    expect(badKey.headers.get('www-authenticate')).toBe('Bearer realm="keyward"');
    const badToken = await fetch(`${served.base}/v1/keys`, { headers: { authorization: 'Bearer not.a.token' } });
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get('www-authenticate')).toBe('Bearer realm="keyward", error="invalid_token"');
    const good = await fetch(`${served.base}/v1/keys`, { headers: { 'x-api-key': systemKey } });
    expect(good.headers.get('www-authenticate')).toBeNull();
  });
});

describe('listing keys', () => {
  it('pages oldest first with order=asc, across pages, and binds the cursor to the order', async () => {
    const tenant = await newTenant('oauth-conformance-order');
    const names = ['first', 'second', 'third', 'fourth', 'fifth'];
    for (const name of names) {
      const created = await api('POST', '/v1/keys', { key: tenant.apiKey, json: { name, type: 'viewer' } });
      expect(created.status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api('GET', `/v1/keys?order=asc&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: tenant.apiKey });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((key: { name: string }) => key.name));
      cursor = page.body.nextCursor;
      if (cursor && seen.length === 2) {
        const otherOrder = await api('GET', `/v1/keys?order=desc&limit=2&cursor=${cursor}`, { key: tenant.apiKey });
        expect(otherOrder.body.code).toBe('request.invalid_cursor');
      }
    } while (cursor);
    expect(seen).toEqual(['System key', ...names]);
    const newest = await api('GET', '/v1/keys?limit=2', { key: tenant.apiKey });
    expect(newest.body.items.map((key: { name: string }) => key.name)).toEqual(['fifth', 'fourth']);
    expect((await api('GET', '/v1/keys?order=up', { key: tenant.apiKey })).status).toBe(400);
  });
});
