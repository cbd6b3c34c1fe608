import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { call, createKey, newTenant, tokenFor, withKey, withToken } from '../support/api.ts';
import {
  authenticationResponse,
  auditListResponse,
  issuedKeyResponse,
  keyListResponse,
  keyViewSchema,
  keyWhoamiResponse,
} from '#shared/http/schemas.ts';

let systemKey: string;

beforeAll(async () => {
  ({ apiKey: systemKey } = await newTenant('acme'));
});

describe('a key from creation to deletion', () => {
  it('authenticates the system key and issues an RFC 9068 token', async () => {
    const response = await call('POST', '/v1/authentication', { json: { apiKey: systemKey, expiresIn: 120 } });
    expect(response.status).toBe(200);
    const body = authenticationResponse.parse(response.body);
    expect(body.expiresIn).toBe(120);
    expect(body.key).toMatchObject({ type: 'system', tenant: 'acme' });
    expect(decodeProtectedHeader(body.token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const claims = decodeJwt(body.token);
    expect(claims).toMatchObject({
      iss: 'https://keyward.test',
      aud: 'keyward',
      sub: body.key.id,
      client_id: body.key.id,
      tenant: 'acme',
      key_type: 'system',
    });
    expect(claims.scope).toBe('keys:read keys:write keys:admin');
    expect(claims.exp! - claims.iat!).toBe(120);
    expect(typeof claims.jti).toBe('string');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('walks create, list, get, update, regenerate, revoke and delete', async () => {
    const token = await tokenFor(systemKey);
    const created = await call('POST', '/v1/keys', {
      headers: withToken(token),
      json: { name: 'Billing sync', type: 'privileged', scopes: ['billing:read'], description: 'nightly', expiresInDays: 30 },
    });
    expect(created.status).toBe(201);
    const issued = issuedKeyResponse.parse(created.body);
    expect(issued.apiKey).toMatch(/^kw_[A-Za-z0-9]{54}$/);
    expect(issued.apiKey).toContain(issued.keySecret);
    expect(issued.key).toMatchObject({
      name: 'Billing sync',
      status: 'active',
      scopes: ['billing:read'],
      recoverable: false,
      lastUsedAt: null,
    });
    expect(issued.key.preview).toBe(`kw_${issued.key.id}…${issued.apiKey.slice(-4)}`);
    expect(Date.parse(issued.key.expiresAt!) - Date.parse(issued.key.createdAt)).toBe(30 * 24 * 3600 * 1000);
    expect(created.text).not.toMatch(/secretHash|sealed/);

    const keyId = issued.key.id;
    const listed = await call('GET', '/v1/keys', { headers: withToken(token) });
    expect(listed.status).toBe(200);
    const page = keyListResponse.parse(listed.body);
    expect(page.items.map((k) => k.id)).toContain(keyId);
    expect(page.items[0]!.id).toBe(keyId);

    const fetched = await call('GET', `/v1/keys/${keyId}`, { headers: withToken(token) });
    expect(keyViewSchema.parse(fetched.body).name).toBe('Billing sync');

    const renamed = await call('PATCH', `/v1/keys/${keyId}`, {
      headers: withToken(token),
      json: { name: 'Billing export', enabled: false },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Billing export', status: 'disabled' });
    const disabledLogin = await call('POST', '/v1/authentication', { json: { apiKey: issued.apiKey } });
    expect(disabledLogin.status).toBe(401);
    expect(disabledLogin.body.code).toBe('authentication.key_disabled');
    await call('PATCH', `/v1/keys/${keyId}`, { headers: withToken(token), json: { enabled: true } });

    const regenerated = await call('POST', `/v1/keys/${keyId}/regenerate`, { headers: withToken(token), json: {} });
    expect(regenerated.status).toBe(200);
    const fresh = issuedKeyResponse.parse(regenerated.body);
    expect(fresh.key.id).toBe(keyId);
    expect(fresh.apiKey).not.toBe(issued.apiKey);
    expect((await call('POST', '/v1/authentication', { json: { apiKey: issued.apiKey } })).body.code).toBe(
      'authentication.invalid_api_key',
    );
    expect((await call('POST', '/v1/authentication', { json: { apiKey: fresh.apiKey } })).status).toBe(200);

    const revoked = await call('POST', `/v1/keys/${keyId}/revoke`, { headers: withToken(token), json: { reason: 'rotated out' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    expect((await call('POST', '/v1/authentication', { json: { apiKey: fresh.apiKey } })).body.code).toBe('authentication.key_revoked');

    const deleted = await call('DELETE', `/v1/keys/${keyId}`, { headers: withToken(token) });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call('GET', `/v1/keys/${keyId}`, { headers: withToken(token) })).status).toBe(404);

    const audit = await call('GET', `/v1/audit?keyId=${keyId}`, { headers: withToken(token) });
    const actions = auditListResponse.parse(audit.body).items.map((e) => e.action);
    expect(actions).toEqual([
      'key.delete',
      'authentication.failure',
      'key.revoke',
      'authentication.failure',
      'key.regenerate',
      'key.enable',
      'authentication.failure',
      'key.disable',
      'key.create',
    ]);
  });

  it('accepts Key ID + Key Secret, and the full key as the secret', async () => {
    const { key, keySecret, apiKey } = await createKey(systemKey, { type: 'viewer' });
    expect((await call('POST', '/v1/authentication', { json: { keyId: key.id, keySecret } })).status).toBe(200);
    expect((await call('POST', '/v1/authentication', { json: { keyId: key.id, keySecret: apiKey } })).status).toBe(200);
    const wrong = await call('POST', '/v1/authentication', {
      json: { keyId: key.id, keySecret: keySecret.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) },
    });
    expect(wrong.body.code).toBe('authentication.invalid_api_key');
  });

  it('tells a caller who it is', async () => {
    const token = await tokenFor(systemKey);
    const response = await call('GET', '/v1/whoami', { headers: withToken(token) });
    const body = keyWhoamiResponse.parse(response.body);
    expect(body.tenant).toBe('acme');
    expect(body.key.type).toBe('system');
    expect(body.scopes).toEqual(['keys:read', 'keys:write', 'keys:admin']);
    expect(body.tokenExpiresAt).not.toBeNull();
    const byKey = await call('GET', '/v1/whoami', { headers: withKey(systemKey) });
    expect(byKey.body.tokenExpiresAt).toBeNull();
  });
});

describe('key lifetime', () => {
  it('refuses an expiresAt in the past or beyond ten years, as expiresInDays does', async () => {
    for (const expiresAt of ['2020-01-01T00:00:00Z', new Date(Date.now() + 3651 * 24 * 3600 * 1000).toISOString()]) {
      const response = await call('POST', '/v1/keys', { headers: withKey(systemKey), json: { name: 'x', type: 'viewer', expiresAt } });
      expect(response.status).toBe(400);
      expect(response.body.details[0].path).toBe('expiresAt');
    }
    const ok = await call('POST', '/v1/keys', {
      headers: withKey(systemKey),
      json: { name: 'x', type: 'viewer', expiresAt: new Date(Date.now() + 3649 * 24 * 3600 * 1000).toISOString() },
    });
    expect(ok.status).toBe(201);
  });
});
