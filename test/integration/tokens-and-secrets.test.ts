import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { call, createKey, newTenant, tokenFor, withKey, withToken } from '../support/api.ts';
import { jwksResponse, openIdConfigurationResponse, revealResponse, verifyResponse } from '#shared/http/schemas.ts';
import { getAdapters } from '#shared/runtime.ts';
import { handler as rotateHandler } from '#functions/rotate-signing-key.ts';
import { rotateSigningKey, TokenService } from '#shared/services/token-service.ts';
import { lambdaContext } from '#local/proxy-event.ts';

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('tokens'));
});

describe('token verification by standard tools', () => {
  it('publishes a JWKS and discovery document that verify issued tokens with no Keyward code', async () => {
    const discovery = openIdConfigurationResponse.parse((await call('GET', '/.well-known/openid-configuration')).body);
    expect(discovery).toMatchObject({
      issuer: 'https://keyward.test',
      jwks_uri: 'https://keyward.test/.well-known/jwks.json',
      token_endpoint: 'https://keyward.test/v1/oauth/token',
      grant_types_supported: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const jwks = await call('GET', '/.well-known/jwks.json');
    const keySet = jwksResponse.parse(jwks.body);
    expect(jwks.headers['cache-control']).toContain('max-age');
    const token = await tokenFor(admin);
    const { payload } = await jwtVerify(token, createLocalJWKSet(keySet), {
      issuer: discovery.issuer,
      audience: 'keyward',
      algorithms: ['RS256'],
      typ: 'at+jwt',
    });
    expect(payload.tenant).toBe('tokens');
  });

  it('publishes a rotated signing key before it signs, and keeps verifying the previous one', async () => {
    const before = await tokenFor(admin);
    const rotated = await rotateHandler({}, lambdaContext('rotate-signing-key'));
    expect(rotated.kid).toBeTruthy();
    // A cold start sees the rotation at once; warm functions within the refresh interval.
    const { store, cipher, config } = getAdapters();
    const settings = { issuer: config.issuer, audience: config.audience, refreshSeconds: 300 };
    const coldStart = new TokenService(store.settings, cipher, settings);
    const published = (await coldStart.jwks()).keys.map((k) => k.kid);
    expect(published).toHaveLength(2);
    expect(published).toContain(rotated.kid);
    const record = (await store.keys.get(decodeJwt(before).sub!))!;
    const stillOld = await coldStart.issue(record, 60, new Date());
    expect(decodeProtectedHeader(stillOld.token).kid).toBe(decodeProtectedHeader(before).kid);
    expect((await call('GET', '/v1/whoami', { headers: withToken(before) })).status).toBe(200);

    // Once the activation delay has passed, new tokens are signed with the new key.
    await rotateSigningKey(store.settings, cipher, new Date(), 0);
    const afterActivation = new TokenService(store.settings, cipher, settings);
    const fresh = await afterActivation.issue(record, 60, new Date());
    const newKid = decodeProtectedHeader(fresh.token).kid;
    expect(newKid).not.toBe(decodeProtectedHeader(before).kid);
    expect((await afterActivation.jwks()).keys.map((k) => k.kid)).toContain(decodeProtectedHeader(before).kid);
    expect((await afterActivation.verify(fresh.token)).keyId).toBe(record.keyId);
  });

  it('answers the OAuth client credentials grant with body or Basic credentials', async () => {
    const { key, keySecret } = await createKey(admin, { type: 'viewer', scopes: ['reports:read'] });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const viaBody = await call('POST', '/v1/oauth/token', {
      headers: form,
      raw: new URLSearchParams({ grant_type: 'client_credentials', client_id: key.id, client_secret: keySecret }).toString(),
    });
    expect(viaBody.status).toBe(200);
    expect(viaBody.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'keys:read reports:read' });
    expect(viaBody.headers['cache-control']).toBe('no-store');
    const viaBasic = await call('POST', '/v1/oauth/token', {
      headers: { ...form, authorization: `Basic ${Buffer.from(`${key.id}:${keySecret}`).toString('base64')}` },
      raw: 'grant_type=client_credentials',
    });
    expect(viaBasic.status).toBe(200);
    expect((await call('GET', '/v1/whoami', { headers: withToken(viaBasic.body.access_token) })).body.key.id).toBe(key.id);
  });
});

describe('verify', () => {
  it('says whether a key or token of the tenant is valid now', async () => {
    const { key, apiKey } = await createKey(admin, { scopes: ['orders:write'] });
    const token = await tokenFor(apiKey);
    const byKey = verifyResponse.parse((await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { apiKey } })).body);
    expect(byKey).toMatchObject({ valid: true, key: { id: key.id }, scopes: ['keys:read', 'keys:write', 'orders:write'] });
    const byToken = verifyResponse.parse((await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { token } })).body);
    expect(byToken).toMatchObject({ valid: true, key: { id: key.id } });
    await call('POST', `/v1/keys/${key.id}/revoke`, { headers: withKey(admin), json: {} });
    expect((await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { apiKey } })).body).toEqual({
      valid: false,
      code: 'authentication.key_revoked',
    });
    expect((await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { token } })).body).toEqual({
      valid: false,
      code: 'authentication.key_revoked',
    });
    expect((await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { token: 'not.a.token' } })).body).toEqual({
      valid: false,
      code: 'auth.invalid_token',
    });
  });

  it("treats another tenant's key as unknown", async () => {
    const other = await newTenant('tokens-other');
    const { apiKey } = await createKey(other.apiKey);
    const response = await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { apiKey } });
    expect(response.body).toEqual({ valid: false, code: 'authentication.invalid_api_key' });
    const token = await tokenFor(apiKey);
    expect((await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { token } })).body).toEqual({
      valid: false,
      code: 'auth.invalid_token',
    });
  });
});

describe('recoverable keys', () => {
  it('reveals the full key to keys:admin only, audited', async () => {
    const { key, apiKey } = await createKey(admin, { recoverable: true });
    const revealed = await call('GET', `/v1/keys/${key.id}/secret`, { headers: withKey(admin) });
    expect(revealResponse.parse(revealed.body).apiKey).toBe(apiKey);
    const audit = await call('GET', `/v1/audit?keyId=${key.id}&limit=1`, { headers: withKey(admin) });
    expect(audit.body.items[0]).toMatchObject({ action: 'key.reveal', outcome: 'success' });

    const regenerated = await call('POST', `/v1/keys/${key.id}/regenerate`, { headers: withKey(admin), json: {} });
    expect((await call('GET', `/v1/keys/${key.id}/secret`, { headers: withKey(admin) })).body.apiKey).toBe(regenerated.body.apiKey);

    const privileged = await createKey(admin);
    const refused = await call('GET', `/v1/keys/${key.id}/secret`, { headers: withKey(privileged.apiKey) });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('keys:admin');
  });

  it('refuses to reveal a key that was not created recoverable', async () => {
    const { key } = await createKey(admin);
    const response = await call('GET', `/v1/keys/${key.id}/secret`, { headers: withKey(admin) });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('key.not_recoverable');
  });

  it('stores secrets only as keyed hashes or sealed blobs', async () => {
    const plain = await createKey(admin, { name: 'plain' });
    const recoverable = await createKey(admin, { name: 'sealed', recoverable: true });
    const { dynamoDb, config } = getAdapters();
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const dump = JSON.stringify(await dynamoDb.send(new ScanCommand({ TableName: config.tableName })));
    for (const issued of [plain, recoverable]) {
      expect(dump).not.toContain(issued.keySecret);
    }
    expect(dump).not.toContain(admin.slice(19, 51));
  });
});

describe('OpenAPI', () => {
  it('describes every route of the route table as OpenAPI 3.1', async () => {
    const { routeList } = await import('#shared/http/routes.ts');
    const response = await call('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    for (const route of routeList) {
      const operation = response.body.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation.operationId).toBe(route.id);
    }
    const create = response.body.paths['/v1/keys'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['name', 'type']);
    expect(create.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  });
});

describe('what public routes may touch', () => {
  it('serves the JWKS without opening any secret', async () => {
    const { store, cipher, config } = getAdapters();
    let opened = 0;
    const counting = {
      seal: cipher.seal.bind(cipher),
      open: (sealed: string, context: never) => {
        opened++;
        return cipher.open(sealed, context);
      },
    };
    const tokens = new TokenService(store.settings, counting, { issuer: config.issuer, audience: config.audience, refreshSeconds: 300 });
    expect((await tokens.jwks()).keys.length).toBeGreaterThan(0);
    expect(await tokens.verify(await tokenFor(admin))).toMatchObject({ tenant: 'tokens' });
    expect(opened).toBe(0);
  });

  it("allows CORS for the console's origin only", async () => {
    const console = await call('GET', '/v1/whoami', { headers: { ...withKey(admin), origin: 'https://console.keyward.test' } });
    expect(console.headers['access-control-allow-origin']).toBe('https://console.keyward.test');
    const refused = await call('GET', '/v1/whoami', { headers: { origin: 'https://evil.example' } });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const other = await call('GET', '/v1/whoami', { headers: { ...withKey(admin), origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
