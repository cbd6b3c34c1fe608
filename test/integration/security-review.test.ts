import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalJWKSet, decodeJwt, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { routeList } from '#shared/http/routes.ts';
import { getAdapters, getServices, getTokenService } from '#shared/runtime.ts';
import { getConfig } from '#shared/config.ts';
import { metrics } from '#shared/observability.ts';
import { accessTokenVerifier } from '#shared/services/access-token-verifier.ts';
import { formatApiKey } from '#shared/domain/api-key.ts';
import { newTenant } from '../support/api.ts';
import { serviceSigningKey } from '../support/signing-key.ts';
import { useLocalServer } from '../support/local-http.ts';

// Every finding of the security review, proven black-box: real HTTP against the local server,
// which runs the real handlers over DynamoDB Local.

const { served, http } = useLocalServer();
// Set once: no test rotates these keys, so tests do not depend on each other's order.
let systemKey: string;
let otherSystemKey: string;

async function tokenOf(apiKey: string, expiresIn?: number): Promise<string> {
  const answer = await http('POST', '/v1/authentication', { json: { apiKey, ...(expiresIn ? { expiresIn } : {}) } });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.token;
}

async function createKey(adminKey: string, input: Record<string, unknown> = {}) {
  const answer = await http('POST', '/v1/keys', { key: adminKey, json: { name: 'security test', type: 'privileged', ...input } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { key: { id: string; status: string }; apiKey: string; keySecret: string };
}

async function regenerate(adminKey: string, keyId: string, gracePeriodSeconds = 0) {
  const answer = await http('POST', `/v1/keys/${keyId}/regenerate`, { key: adminKey, json: { gracePeriodSeconds } });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as { apiKey: string };
}

async function auditOf(keyId: string) {
  const answer = await http('GET', `/v1/audit?keyId=${keyId}&limit=100`, { key: systemKey });
  expect(answer.status, answer.text).toBe(200);
  return answer.body.items as { action: string; actor: string; keyId: string; details: Record<string, unknown> }[];
}

/** A request to every route that needs a credential, with whatever else it needs to get past routing. */
function credentialRoutes(keyId: string) {
  return routeList
    .filter((route) => route.access !== 'public')
    .map((route) => ({
      id: route.id,
      method: route.method,
      path: route.path.replace('{keyId}', keyId),
      json: route.bodyType ? {} : undefined,
    }));
}

/** The same key id with another secret, well-formed (right checksum), so it reaches the store. */
const wrongSecretOf = (apiKey: string) => formatApiKey('kw', { keyId: apiKey.slice(3, 19), secret: 'A'.repeat(32) });

beforeAll(async () => {
  systemKey = (await newTenant('security')).apiKey;
  otherSystemKey = (await newTenant('security-other')).apiKey;
});

describe('a regenerate ends the power of every earlier token over Keyward', () => {
  it('refuses a token minted before the regenerate on every route that takes a credential', async () => {
    const { key, apiKey } = await createKey(systemKey);
    const oldToken = await tokenOf(apiKey);
    const { apiKey: fresh } = await regenerate(systemKey, key.id);
    for (const route of credentialRoutes(key.id)) {
      const answer = await http(route.method, route.path, { token: oldToken, json: route.json });
      expect(answer.status, `${route.id}: ${answer.text}`).toBe(401);
      expect(answer.body.code, route.id).toBe('authentication.token_superseded');
    }
    const freshToken = await tokenOf(fresh);
    expect((await http('GET', '/v1/whoami', { token: freshToken })).status).toBe(200);
  });

  it('stops a leaked token of the system key from rotating the system key and locking its owner out', async () => {
    const { keyId: systemKeyId, apiKey: ownersKey } = await newTenant('security-takeover');
    const leakedToken = await tokenOf(ownersKey);
    const { apiKey: ownerSecret } = await regenerate(ownersKey, systemKeyId);
    const takeover = await http('POST', `/v1/keys/${systemKeyId}/regenerate`, { token: leakedToken, json: {} });
    expect(takeover.status).toBe(401);
    expect(takeover.body.code).toBe('authentication.token_superseded');
    expect((await http('GET', '/v1/whoami', { key: ownerSecret })).status).toBe(200);
  });

  it('treats a token minted from a grace-period secret as superseded, while the exchange itself works', async () => {
    const { key, apiKey: oldSecret } = await createKey(systemKey);
    await regenerate(systemKey, key.id, 3600);
    const graceToken = await tokenOf(oldSecret);
    const answer = await http('GET', '/v1/whoami', { token: graceToken });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('authentication.token_superseded');
  });

  it('leaves offline verification downstream unaffected until the token expires', async () => {
    const { key, apiKey } = await createKey(systemKey);
    const oldToken = await tokenOf(apiKey);
    await regenerate(systemKey, key.id);
    const jwks = (await (await fetch(`${served.base}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const verify = accessTokenVerifier({ issuer: getConfig().issuer, audience: getConfig().audience, keys: createLocalJWKSet(jwks) });
    await expect(verify(oldToken)).resolves.toMatchObject({ keyId: key.id });
  });
});

describe('a grace-period secret', () => {
  it('can be exchanged for tokens and verified, but cannot manage keys', async () => {
    const { key, apiKey: oldSecret } = await createKey(systemKey);
    const { apiKey: newSecret } = await regenerate(systemKey, key.id, 3600);
    expect((await http('POST', '/v1/authentication', { json: { apiKey: oldSecret } })).status).toBe(200);
    const verified = await http('POST', '/v1/keys/verify', { key: systemKey, json: { apiKey: oldSecret } });
    expect(verified.body).toMatchObject({ valid: true });
    for (const route of credentialRoutes(key.id)) {
      const answer = await http(route.method, route.path, { key: oldSecret, json: route.json });
      expect(answer.status, `${route.id}: ${answer.text}`).toBe(403);
      expect(answer.body.code, route.id).toBe('auth.superseded_secret');
    }
    // The admin's new secret still works: the old one could not rotate it away.
    expect((await http('GET', '/v1/whoami', { key: newSecret })).status).toBe(200);
  });
});

describe('failed authentications', () => {
  it('become one audit event per key, source and minute, with a count', async () => {
    const { key, apiKey } = await createKey(systemKey);
    const before = (await auditOf(key.id)).filter((event) => event.action === 'authentication.failure').length;
    expect(before).toBe(0);
    const guesses = 25;
    for (let i = 0; i < guesses; i++) {
      expect((await http('POST', '/v1/authentication', { json: { apiKey: wrongSecretOf(apiKey) } })).status).toBe(401);
      expect((await http('POST', '/v1/authentication', { json: { keyId: key.id, keySecret: 'B'.repeat(32) } })).status).toBe(401);
    }
    const failures = (await auditOf(key.id)).filter((event) => event.action === 'authentication.failure');
    // Two kinds of request may straddle a minute boundary: at most two windows.
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures.length).toBeLessThanOrEqual(2);
    expect(failures.reduce((sum, event) => sum + Number(event.details.count), 0)).toBe(2 * guesses);
    expect(failures[0]!.details.reason).toBe('wrong_secret');
  });

  it('count in the failure metric on every route, management routes included', async () => {
    const { apiKey } = await createKey(systemKey);
    const added = vi.spyOn(metrics, 'addMetric');
    try {
      const bad = wrongSecretOf(apiKey);
      for (const route of credentialRoutes('AAAAAAAAAAAAAAAA')) {
        added.mockClear();
        const answer = await http(route.method, route.path, { key: bad, json: route.json });
        expect(answer.status).toBe(401);
        expect(
          added.mock.calls.filter(([name]) => name === 'AuthenticationFailure'),
          route.id,
        ).toHaveLength(1);
      }
    } finally {
      added.mockRestore();
    }
  });

  it('of a key checked by verify are blamed on the caller who verified', async () => {
    const viewer = await createKey(systemKey, { type: 'viewer' });
    const target = await createKey(systemKey);
    const answer = await http('POST', '/v1/keys/verify', { key: viewer.apiKey, json: { apiKey: wrongSecretOf(target.apiKey) } });
    expect(answer.body).toEqual({ valid: false, code: 'authentication.invalid_api_key' });
    const [failure] = (await auditOf(target.key.id)).filter((event) => event.action === 'authentication.failure');
    expect(failure?.actor).toBe(viewer.key.id);
  });
});

describe('names, descriptions and reasons', () => {
  const hostile = [
    '\u001b]0;pwned\u0007',
    'red\u001b[31m',
    'a\u0000b',
    'line\r\nbreak',
    'c1\u009bx',
    'evil\u202eexe.txt',
    'iso\u2066late',
    'del\u007f',
  ];

  it('refuse control characters and bidirectional overrides with 400', async () => {
    const { key } = await createKey(systemKey);
    for (const text of hostile) {
      const created = await http('POST', '/v1/keys', { key: systemKey, json: { name: text, type: 'viewer' } });
      expect(created.status, JSON.stringify(text)).toBe(400);
      expect(created.body.code).toBe('request.invalid');
      expect((await http('POST', '/v1/keys', { key: systemKey, json: { name: 'ok', description: text, type: 'viewer' } })).status).toBe(
        400,
      );
      expect((await http('PATCH', `/v1/keys/${key.id}`, { key: systemKey, json: { name: text } })).status).toBe(400);
      expect((await http('PATCH', `/v1/keys/${key.id}`, { key: systemKey, json: { description: text } })).status).toBe(400);
      expect((await http('POST', `/v1/keys/${key.id}/revoke`, { key: systemKey, json: { reason: text } })).status).toBe(400);
    }
    expect((await http('POST', '/v1/keys', { key: systemKey, json: { name: 'Zürich — 東京 ✓', type: 'viewer' } })).status).toBe(201);
  });
});

describe('tokens with impossible times', () => {
  async function signed(claims: JWTPayload) {
    const { kid, privateKey } = await serviceSigningKey();
    const genuine = decodeJwt(await tokenOf(systemKey));
    return new SignJWT({ ...genuine, ...claims }).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid }).sign(privateKey);
  }

  it('are refused with 401, never a 500', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: Record<string, JWTPayload> = {
      'exp far beyond any date': { exp: 1e300 },
      'iat in the future': { iat: now + 600, exp: now + 900 },
      'a lifetime over an hour': { iat: now, exp: now + 7200 },
      'a fractional exp': { exp: now + 60.5 },
    };
    for (const [name, claims] of Object.entries(cases)) {
      const answer = await http('GET', '/v1/whoami', { token: await signed(claims) });
      expect(answer.status, name).toBe(401);
      expect(answer.body.code, name).toBe('auth.invalid_token');
    }
    expect((await http('GET', '/v1/whoami', { token: await signed({ iat: now + 30 }) })).status).toBe(200);
  });

  it('are refused in a non-canonical spelling of their signature', async () => {
    const token = await tokenOf(systemKey);
    expect((await http('GET', '/v1/whoami', { token })).status).toBe(200);
    const signature = token.slice(token.lastIndexOf('.') + 1);
    // The last character of a 342-character RS256 signature carries 4 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1)!);
    const twin = `${token.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(twin.slice(twin.lastIndexOf('.') + 1), 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    for (const variant of [`${token}==`, `${token}=`, twin]) {
      const answer = await http('GET', '/v1/whoami', { token: variant });
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('auth.invalid_token');
    }
  });
});

describe('query strings', () => {
  it('refuse repeated parameters and numbers that are not plain digits', async () => {
    for (const query of ['limit=1&limit=100', 'limit=0x10', 'limit=1e2', 'limit=%205', 'limit=10.0', 'status=active&status=revoked']) {
      const answer = await http('GET', `/v1/keys?${query}`, { key: systemKey });
      expect(answer.status, query).toBe(400);
      expect(answer.body.code, query).toBe('request.invalid');
    }
    expect((await http('GET', '/v1/keys?limit=100', { key: systemKey })).status).toBe(200);
  });
});

describe('bodies on routes that take none', () => {
  it('get 415 in another media type and 400 as JSON', async () => {
    const { key } = await createKey(systemKey);
    const plain = await http('DELETE', `/v1/keys/${key.id}`, { key: systemKey, raw: 'please', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    expect(plain.body.code).toBe('request.unsupported_media_type');
    const json = await http('DELETE', `/v1/keys/${key.id}`, { key: systemKey, json: { force: true } });
    expect(json.status).toBe(400);
    expect((await http('GET', `/v1/keys/${key.id}`, { key: systemKey })).status).toBe(200);
  });
});

describe('list cursors', () => {
  it('are opaque, yet still bound to the tenant and the filters', async () => {
    for (let i = 0; i < 3; i++) await createKey(systemKey, { name: `cursor ${i}` });
    const page = await http('GET', '/v1/keys?limit=1', { key: systemKey });
    const cursor = page.body.nextCursor as string;
    const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
    for (const leak of ['pk', 'gsi1', 'TENANT', 'KEY#', 'security']) expect(decoded).not.toContain(leak);
    expect((await http('GET', `/v1/keys?limit=1&cursor=${cursor}`, { key: systemKey })).status).toBe(200);
    expect((await http('GET', `/v1/keys?limit=1&type=viewer&cursor=${cursor}`, { key: systemKey })).body.code).toBe(
      'request.invalid_cursor',
    );
    expect((await http('GET', `/v1/keys?limit=1&cursor=${cursor}`, { key: otherSystemKey })).body.code).toBe('request.invalid_cursor');
  });
});

describe('an idempotent replay', () => {
  const replayed = (key: string, idempotencyKey: string) =>
    http('POST', '/v1/keys', { key, json: { name: 'idempotent', type: 'viewer' }, headers: { 'idempotency-key': idempotencyKey } });

  it('shows the key as it is now, and never hands out a secret that no longer works', async () => {
    const first = await replayed(systemKey, 'revoked-since');
    expect(first.status).toBe(201);
    await http('POST', `/v1/keys/${first.body.key.id}/revoke`, { key: systemKey, json: {} });
    const again = await replayed(systemKey, 'revoked-since');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.key.status).toBe('revoked');

    const second = await replayed(systemKey, 'regenerated-since');
    await regenerate(systemKey, second.body.key.id);
    const stale = await replayed(systemKey, 'regenerated-since');
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('request.idempotency_stale');
    expect(stale.text).not.toContain(second.body.keySecret);

    const third = await replayed(systemKey, 'deleted-since');
    await http('DELETE', `/v1/keys/${third.body.key.id}`, { key: systemKey });
    const gone = await replayed(systemKey, 'deleted-since');
    expect(gone.status).toBe(404);
    expect(gone.text).not.toContain(third.body.keySecret);
  });
});

describe('a key that expires', () => {
  it('cannot create a key that outlives it', async () => {
    const expiring = await createKey(systemKey, { expiresInDays: 1 });
    const never = await http('POST', '/v1/keys', { key: expiring.apiKey, json: { name: 'child', type: 'viewer' } });
    expect(never.status).toBe(400);
    expect(never.body.details[0].path).toBe('expiresAt');
    const later = await http('POST', '/v1/keys', { key: expiring.apiKey, json: { name: 'child', type: 'viewer', expiresInDays: 2 } });
    expect(later.status).toBe(400);
    const within = await http('POST', '/v1/keys', {
      key: expiring.apiKey,
      json: { name: 'child', type: 'viewer', expiresAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(within.status).toBe(201);
  });
});

describe('refusals say what was refused', () => {
  it('names revoke and delete, not granting, when the caller lacks the key scopes', async () => {
    const holder = await createKey(systemKey, { scopes: ['billing:write'] });
    const caller = await createKey(systemKey, { scopes: ['billing:read'] });
    const revoke = await http('POST', `/v1/keys/${holder.key.id}/revoke`, { key: caller.apiKey, json: {} });
    expect(revoke.status).toBe(403);
    expect(revoke.body.message).toBe("You cannot revoke a key that holds scopes you do not hold yourself: 'billing:write'.");
    const remove = await http('DELETE', `/v1/keys/${holder.key.id}`, { key: caller.apiKey });
    expect(remove.body.message).toBe("You cannot delete a key that holds scopes you do not hold yourself: 'billing:write'.");
  });
});

describe('the token service', () => {
  it('issues tokens bound to the secret version', async () => {
    const token = await tokenOf(systemKey);
    const whoami = await http('GET', '/v1/whoami', { token });
    const record = await getAdapters().store.keys.get(whoami.body.key.id);
    expect(decodeJwt(token).secret_version).toBe(record?.secretVersion ?? 1);
    expect(getTokenService()).toBe((await getServices()).tokens);
  });
});
