import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { call, createKey, newTenant, tokenFor, withKey, withToken } from '../support/api.ts';
import { serviceSigningKey } from '../support/signing-key.ts';

// What Keyward makes of the claims of a token it signed, and of the Authorization header that
// carries it: through the real handlers over DynamoDB Local, with tokens signed by the
// deployment's own signing key where a test needs claims Keyward would never issue.

let systemKey: string;

beforeAll(async () => {
  ({ apiKey: systemKey } = await newTenant('claims'));
});

/** A token signed by the deployment's key: the claims of a genuine token of `apiKey`, changed by `claims`. */
async function signed(apiKey: string, claims: JWTPayload, drop: string[] = []) {
  const { kid, privateKey } = await serviceSigningKey();
  const payload: JWTPayload = { ...decodeJwt(await tokenFor(apiKey)), ...claims };
  for (const name of drop) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid }).sign(privateKey);
}

const whoami = (headers: Record<string, string>) => call('GET', '/v1/whoami', { headers });

describe('a signed token with claims of the wrong kind', () => {
  it('is refused with 401 when its subject or tenant is not a string', async () => {
    for (const claims of [{ sub: 42 as unknown as string }, { tenant: ['claims'] }, { tenant: 7 }]) {
      const answer = await whoami(withToken(await signed(systemKey, claims)));
      expect(answer.status, JSON.stringify(claims)).toBe(401);
      expect(answer.body.code).toBe('auth.invalid_token');
    }
  });

  it('grants nothing when it has no scope, or an empty one: 403 on a route that needs a permission, not 400 or 500', async () => {
    for (const token of [
      await signed(systemKey, {}, ['scope']),
      await signed(systemKey, { scope: '' }),
      await signed(systemKey, { scope: 7 }),
    ]) {
      const me = await whoami(withToken(token));
      expect(me.status).toBe(200);
      expect(me.body.scopes).toEqual([]);
      const listing = await call('GET', '/v1/keys', { headers: withToken(token) });
      expect(listing.status).toBe(403);
      expect(listing.body.code).toBe('auth.forbidden');
    }
  });

  it('reads a scope with extra spaces as the scopes it names', async () => {
    const me = await whoami(withToken(await signed(systemKey, { scope: ' keys:read  keys:write ' })));
    expect(me.status).toBe(200);
    expect(me.body.scopes).toEqual(['keys:read', 'keys:write']);
  });
});

describe('the expiry of a token', () => {
  it('is the same instant in the answer that issues it, in its exp, and in whoami', async () => {
    const issued = await call('POST', '/v1/authentication', { json: { apiKey: systemKey, expiresIn: 300 } });
    expect(issued.status).toBe(200);
    const { exp } = decodeJwt(issued.body.token);
    expect(issued.body.expiresAt).toBe(new Date(exp! * 1000).toISOString());
    const me = await whoami(withToken(issued.body.token));
    expect(me.body.tokenExpiresAt).toBe(issued.body.expiresAt);
    expect(Date.parse(me.body.tokenExpiresAt) - Date.now()).toBeGreaterThan(0);
  });
});

describe('a token and the key behind it', () => {
  it('loses a custom scope the moment the key loses it', async () => {
    const { key, apiKey } = await createKey(systemKey, { scopes: ['billing:read', 'billing:write'] });
    const token = await tokenFor(apiKey);
    expect((await whoami(withToken(token))).body.scopes).toEqual(['keys:read', 'keys:write', 'billing:read', 'billing:write']);
    expect((await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(systemKey), json: { scopes: ['billing:read'] } })).status).toBe(
      200,
    );
    const me = await whoami(withToken(token));
    expect(me.status).toBe(200);
    expect(me.body.scopes).toEqual(['keys:read', 'keys:write', 'billing:read']);
  });

  it('minted from the old secret during its grace period carries the old secret version', async () => {
    const { key, apiKey: oldSecret } = await createKey(systemKey);
    const regenerated = await call('POST', `/v1/keys/${key.id}/regenerate`, {
      headers: withKey(systemKey),
      json: { gracePeriodSeconds: 600 },
    });
    expect(regenerated.status).toBe(200);
    expect(decodeJwt(await tokenFor(oldSecret)).secret_version).toBe(1);
    expect(decodeJwt(await tokenFor(regenerated.body.apiKey)).secret_version).toBe(2);
  });
});

describe('the Authorization header', () => {
  it('takes the scheme in any case, with any run of spaces or tabs around and between', async () => {
    const token = await tokenFor(systemKey);
    for (const value of [`Bearer ${token}`, `bearer  ${token}`, `  BEARER\t${token}  `]) {
      expect((await whoami({ authorization: value })).status, JSON.stringify(value)).toBe(200);
    }
  });

  it('refuses anything after the token', async () => {
    const token = await tokenFor(systemKey);
    const answer = await whoami({ authorization: `Bearer ${token} ${token}` });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('auth.missing_credentials');
    expect(answer.body.message).toBe(
      'The Authorization header must be "Bearer <token>"; to send an API key instead, use the x-api-key header.',
    );
  });

  it('when empty, is answered like no credential at all', async () => {
    const none = await whoami({});
    const empty = await whoami({ authorization: '' });
    expect(empty.status).toBe(401);
    expect(empty.body.code).toBe('auth.missing_credentials');
    expect(empty.body.message).toBe(none.body.message);
    expect(empty.body.message).toMatch(/^This call needs a credential/);
  });
});
