import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { decodeJwt, UnsecuredJWT } from 'jose';
import { createHmac, createPublicKey } from 'node:crypto';
import { getConfig } from '#shared/config.ts';
import { newSigningKey, startTestIdentityProvider } from '../support/identity-provider.ts';
import { useLocalServer } from '../support/local-http.ts';
import { newTenant } from '../support/api.ts';

// People trade their identity provider's token for a Keyward token (RFC 8693), proven with a
// client library nobody here wrote (openid-client) over real HTTP against the local server.

const idp = await startTestIdentityProvider();
const TENANT = 'xchg';
process.env.KEYWARD_IDENTITY_PROVIDERS = JSON.stringify([
  {
    id: 'corp',
    name: 'Corp SSO',
    issuer: idp.issuer,
    audiences: ['keyward-console', 'keyward-cli'],
    consoleClientId: 'keyward-console',
    cliClientId: 'keyward-cli',
    groups: { 'xchg-billing': { tenant: TENANT, role: 'creator', scopes: ['billing:read'] } },
    groupPattern: 'kw-{tenant}-{role}s',
  },
]);

const { served, http } = useLocalServer();
const issuer = new URL(getConfig().issuer);
const toLocal: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return fetch(`${served.base}${url.pathname}${url.search}`, init);
};
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';

let keyward: client.Configuration;
let systemKey: string;

/** The token exchange as openid-client sends it; answers the token response, or the OAuth error it reports. */
async function exchange(subjectToken: string, extra: Record<string, string> = {}) {
  try {
    return {
      ok: await client.genericGrantRequest(keyward, TOKEN_EXCHANGE, {
        subject_token: subjectToken,
        subject_token_type: ID_TOKEN,
        ...extra,
      }),
    };
  } catch (error) {
    if (error instanceof client.ResponseBodyError)
      return { status: error.status, error: error.error, description: error.error_description };
    throw error;
  }
}

const person = (sub: string, groups: string[], extra: Record<string, unknown> = {}) =>
  idp.sign({ sub, email: `${sub}@example.com`, name: `Person ${sub}`, groups, ...extra });

async function signIn(sub: string, groups: string[]) {
  const answer = await exchange(await person(sub, groups));
  if (!answer.ok) throw new Error(`sign-in refused: ${JSON.stringify(answer)}`);
  return answer.ok.access_token;
}

beforeAll(async () => {
  systemKey = (await newTenant(TENANT)).apiKey;
  await newTenant('xchg-two');
  // A public client: the console's client id, no client authentication.
  keyward = await client.discovery(issuer, 'keyward-console', undefined, client.None(), {
    algorithm: 'oauth2',
    [client.customFetch]: toLocal,
  });
});
afterAll(() => idp.stop());

describe('a person signs in', () => {
  it('gets a Keyward token naming them, their tenant and role, and every route works for them', async () => {
    const answer = await exchange(await person('alice', ['kw-xchg-admins']));
    expect(answer.ok).toMatchObject({
      token_type: 'bearer',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      expires_in: 900,
    });
    const claims = decodeJwt(answer.ok!.access_token);
    expect(claims).toMatchObject({
      sub: 'corp:alice',
      tenant: TENANT,
      role: 'admin',
      principal: 'person',
      client_id: 'keyward-console',
      email: 'alice@example.com',
      scope: 'keys:read keys:write keys:admin',
    });
    const token = answer.ok!.access_token;
    const me = await http('GET', '/v1/whoami', { token });
    expect(me.body).toMatchObject({ person: { id: 'corp:alice', email: 'alice@example.com', role: 'admin' }, tenant: TENANT });
    const created = await http('POST', '/v1/keys', { token, json: { name: 'made by alice', type: 'privileged' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatchObject({ ownerId: 'corp:alice', createdBy: 'corp:alice' });
    const audit = await http('GET', `/v1/audit?keyId=${created.body.key.id}`, { key: systemKey });
    expect(audit.body.items[0]).toMatchObject({
      action: 'key.create',
      actor: 'corp:alice',
      actorType: 'person',
      actorEmail: 'alice@example.com',
      actorName: 'Person alice',
    });
    const people = await http('GET', '/v1/people', { token });
    expect(people.body.items.map((p: { id: string }) => p.id)).toContain('corp:alice');
  });

  it('asks for a tenant when the groups give several, and refuses one they have no group for', async () => {
    const token = await person('bob', ['kw-xchg-viewers', 'kw-xchg-two-managers']);
    expect(await exchange(token)).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(decodeJwt((await exchange(token, { tenant: 'xchg-two' })).ok!.access_token)).toMatchObject({
      tenant: 'xchg-two',
      role: 'manager',
    });
    expect(await exchange(token, { tenant: 'someone-else' })).toMatchObject({ status: 400, error: 'invalid_target' });
  });

  it('gets the highest role among their groups of a tenant, and may narrow the scope', async () => {
    const token = await person('carol', ['kw-xchg-viewers', 'xchg-billing']);
    expect(decodeJwt((await exchange(token)).ok!.access_token)).toMatchObject({ role: 'creator', scope: 'keys:create billing:read' });
    expect(decodeJwt((await exchange(token, { scope: 'billing:read' })).ok!.access_token).scope).toBe('billing:read');
    expect(await exchange(token, { scope: 'keys:admin' })).toMatchObject({ status: 400, error: 'invalid_scope' });
  });
});

describe('roles', () => {
  it('limit a creator to client keys they own; other keys do not exist for them', async () => {
    const token = await signIn('dave', ['kw-xchg-creators']);
    expect((await http('POST', '/v1/keys', { token, json: { name: 'dave viewer', type: 'viewer' } })).status).toBe(403);
    const mine = await http('POST', '/v1/keys', { token, json: { name: 'dave client', type: 'client' } });
    expect(mine.status).toBe(201);
    expect(mine.body.key.ownerId).toBe('corp:dave');
    const given = await http('POST', '/v1/keys', { token, json: { name: 'for erin', type: 'client', ownerId: 'corp:erin' } });
    expect(given.status).toBe(403);
    const theirs = await http('POST', '/v1/keys', { key: systemKey, json: { name: 'not dave', type: 'client' } });
    expect((await http('GET', `/v1/keys/${theirs.body.key.id}`, { token })).body.code).toBe('key.not_found');
    expect((await http('POST', `/v1/keys/${theirs.body.key.id}/revoke`, { token, json: {} })).status).toBe(404);
    const listed = await http('GET', '/v1/keys?limit=100', { token });
    expect(listed.body.items.map((k: { id: string }) => k.id)).toEqual([mine.body.key.id]);
    expect((await http('POST', `/v1/keys/${mine.body.key.id}/revoke`, { token, json: {} })).status).toBe(200);
    expect((await http('GET', '/v1/tenant/policy', { token })).status).toBe(200);
    expect((await http('GET', '/v1/people', { token })).status).toBe(403);
  });

  it('show a creator the uses of their own keys only', async () => {
    const token = await signIn('gina', ['kw-xchg-creators']);
    const mine = await http('POST', '/v1/keys', { token, json: { name: 'gina client', type: 'client' } });
    const theirs = await http('POST', '/v1/keys', { key: systemKey, json: { name: 'not gina', type: 'client' } });
    for (const { body } of [mine, theirs]) {
      expect((await http('POST', '/v1/authentication', { json: { apiKey: body.apiKey } })).status).toBe(200);
    }
    const usage = await http('GET', '/v1/usage', { token });
    expect(usage.status).toBe(200);
    expect(usage.body.topKeys.map((key: { keyId: string }) => key.keyId)).toEqual([mine.body.key.id]);
    expect(usage.body.totals.valid).toBe(1);
    // The tenant's own view has both.
    const whole = await http('GET', '/v1/usage', { key: systemKey });
    expect(whole.body.topKeys.map((key: { keyId: string }) => key.keyId)).toEqual(
      expect.arrayContaining([mine.body.key.id, theirs.body.key.id]),
    );
    expect((await http('GET', `/v1/keys/${theirs.body.key.id}/usage`, { token })).body.code).toBe('key.not_found');
    expect((await http('GET', `/v1/keys/${mine.body.key.id}/usage`, { token })).body.totals.valid).toBe(1);
  });

  it('let a viewer read but not create', async () => {
    const token = await signIn('frank', ['kw-xchg-viewers']);
    expect((await http('GET', '/v1/keys', { token })).status).toBe(200);
    expect((await http('POST', '/v1/keys', { token, json: { name: 'nope', type: 'client' } })).status).toBe(403);
  });
});

describe("a person's record", () => {
  it('is rewritten at most once per interval by a warm function, and at once when their role changes', async () => {
    const admin = await signIn('ivan', ['kw-xchg-admins']);
    const lastSeen = async () =>
      ((await http('GET', '/v1/people?limit=100', { token: admin })).body.items as { id: string; lastSeenAt: string; role: string }[]).find(
        (p) => p.id === 'corp:judy',
      );
    await signIn('judy', ['kw-xchg-viewers']);
    const first = await lastSeen();
    await new Promise((done) => setTimeout(done, 20));
    await signIn('judy', ['kw-xchg-viewers']);
    expect(await lastSeen()).toEqual(first);
    await signIn('judy', ['kw-xchg-managers']);
    const promoted = await lastSeen();
    expect(promoted?.role).toBe('manager');
    expect(promoted!.lastSeenAt > first!.lastSeenAt).toBe(true);
    // Each sign-in is audited, written or not.
    const audit = await http('GET', '/v1/audit?limit=100', { key: systemKey });
    const signIns = audit.body.items.filter(
      (e: { action: string; actor: string }) => e.action === 'person.sign_in' && e.actor === 'corp:judy',
    );
    expect(signIns).toHaveLength(3);
  });
});

describe('signing a person out', () => {
  it('refuses their tokens at once, and lets them sign in again', async () => {
    const admin = await signIn('grace', ['kw-xchg-admins']);
    const token = await signIn('heidi', ['kw-xchg-managers']);
    expect((await http('GET', '/v1/keys', { token })).status).toBe(200);
    const out = await http('POST', `/v1/people/${encodeURIComponent('corp:heidi')}/sign-out`, { token: admin });
    expect(out.status).toBe(200);
    expect(out.body.signedOutAt).not.toBeNull();
    const refused = await http('GET', '/v1/keys', { token });
    expect([refused.status, refused.body.code]).toEqual([401, 'authentication.token_superseded']);
    // Tokens are dated to the second, and a warm exchange does not read the person back: a token
    // issued in the very second of the sign-out counts as issued before it. From the next second on:
    await new Promise((done) => setTimeout(done, 1000 - (Date.now() % 1000) + 10));
    const again = await signIn('heidi', ['kw-xchg-managers']);
    expect((await http('GET', '/v1/keys', { token: again })).status).toBe(200);
    expect((await http('POST', `/v1/people/${encodeURIComponent('corp:nobody')}/sign-out`, { token: admin })).status).toBe(404);
  });
});

describe('a subject token that must be refused', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<string>][] = [
    ['from an issuer not trusted', () => person('mallory', ['kw-xchg-admins'], { iss: 'https://evil.example.com' })],
    ['for another audience', () => person('mallory', ['kw-xchg-admins'], { aud: 'someone-else' })],
    ['expired', () => person('mallory', ['kw-xchg-admins'], { iat: now() - 3600, exp: now() - 600 })],
    ['not yet valid', () => person('mallory', ['kw-xchg-admins'], { iat: now() + 600, nbf: now() + 600, exp: now() + 900 })],
    [
      'unsigned (alg none)',
      async () =>
        new UnsecuredJWT({
          iss: idp.issuer,
          aud: 'keyward-console',
          sub: 'mallory',
          groups: ['kw-xchg-admins'],
          iat: now(),
          exp: now() + 300,
        }).encode(),
    ],
    [
      'signed with HS256 keyed with the public key',
      async () => {
        const pem = publicKeyPem();
        const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'key-1' })).toString('base64url');
        const payload = Buffer.from(
          JSON.stringify({
            iss: idp.issuer,
            aud: 'keyward-console',
            sub: 'mallory',
            groups: ['kw-xchg-admins'],
            iat: now(),
            exp: now() + 300,
          }),
        ).toString('base64url');
        const signature = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'signed by a key the issuer does not publish',
      async () => idp.sign({ sub: 'mallory', groups: ['kw-xchg-admins'] }, await newSigningKey('key-1')),
    ],
    [
      'with a tampered payload',
      async () => {
        const [header, , signature] = (await person('mallory', ['kw-xchg-viewers'])).split('.');
        const payload = Buffer.from(
          JSON.stringify({
            iss: idp.issuer,
            aud: 'keyward-console',
            sub: 'mallory',
            groups: ['kw-xchg-admins'],
            iat: now(),
            exp: now() + 300,
          }),
        ).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    ['of a person with no mapped group', () => person('mallory', ['somewhere-else'])],
    ['malformed', async () => 'not-a-jwt'],
  ];

  it.each(cases)('%s: 400 invalid_request, never echoing the token or its claims', async (_, make) => {
    const token = await make();
    const answer = await exchange(token);
    expect(answer).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(answer.description).not.toContain('mallory');
    expect(answer.description).not.toContain('evil');
  });

  it('refuses an unknown subject_token_type or requested_token_type', async () => {
    const token = await person('ivan', ['kw-xchg-viewers']);
    expect(await exchange(token, { subject_token_type: 'urn:example:saml' })).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(await exchange(token, { requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' })).toMatchObject({
      status: 400,
      error: 'invalid_request',
    });
  });
});

describe("the issuer's keys", () => {
  it('are not fetched again for a warm exchange, and keep working while the issuer is down', async () => {
    await signIn('judy', ['kw-xchg-viewers']);
    const before = idp.state.requests;
    await signIn('judy', ['kw-xchg-viewers']);
    expect(idp.state.requests).toBe(before);
    idp.state.down = true;
    try {
      await signIn('judy', ['kw-xchg-viewers']);
      // An unknown kid may refetch at most once a minute: this one was just fetched, so no request.
      const stranger = await idp.sign({ sub: 'judy', groups: ['kw-xchg-viewers'] }, await newSigningKey('key-9'));
      expect(await exchange(stranger)).toMatchObject({ status: 400, error: 'invalid_request' });
      expect(idp.state.requests).toBe(before);
    } finally {
      idp.state.down = false;
    }
  });
});

/** The stand-in provider's public key as PEM: what an attacker would use as an HMAC secret. */
const publicKeyPem = () =>
  createPublicKey({ key: idp.state.published[0]!.publicJwk as never, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
