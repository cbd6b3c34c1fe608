import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { call, countRecordedUses, createKey, newTenant, tokenFor, withKey, withToken, type ApiResponse } from '../support/api.ts';
import { routeList, type RouteDefinition, type RouteId } from '#shared/http/routes.ts';
import {
  auditListResponse,
  authenticationResponse,
  errorResponse,
  issuedKeyResponse,
  keyListResponse,
  keyViewSchema,
  verifyResponse,
  keyWhoamiResponse,
} from '#shared/http/schemas.ts';
import type { ErrorCode } from '#shared/errors.ts';
import { getAdapters, getServices } from '#shared/runtime.ts';
import { getConfig } from '#shared/config.ts';
import { formatApiKey, generateKeyId, generateSecret } from '#shared/domain/api-key.ts';
import type { KeyType } from '#shared/domain/permissions.ts';
import { TokenService } from '#shared/services/token-service.ts';
import { serviceSigningKey } from '../support/signing-key.ts';
import { ageKey, justNow } from '../support/time-travel.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Route = RouteDefinition & { id: RouteId };
type Headers = Record<string, string>;

/** One key as a caller: the key, its id, and a token obtained for it while the key was good. */
interface Holder {
  keyId: string;
  apiKey: string;
  token: string;
}

const credentialForms = ['x-api-key', 'bearer token'] as const;
type CredentialForm = (typeof credentialForms)[number];

const present = (holder: Holder, form: CredentialForm): Headers =>
  form === 'x-api-key' ? withKey(holder.apiKey) : withToken(holder.token);

/** Every piece of a sent credential that must never come back: whole values, API key secrets, JWT payloads and signatures. */
function secretsIn(values: string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const word of value.split(/\s+/)) {
      if (word.length < 20) continue;
      out.push(word);
      const apiKey = /^kw_[0-9A-Za-z]{16}([0-9A-Za-z]{32})[0-9A-Za-z]{6}$/.exec(word);
      if (apiKey?.[1]) out.push(apiKey[1]);
      const jwt = word.split('.');
      if (jwt.length === 3) out.push(...jwt.slice(1).filter((part) => part.length >= 20));
    }
  }
  return out;
}

/** The error contract: status, code, a one-sentence message, the request id twice, no echoed credential. */
function expectError(response: ApiResponse, status: number, code: ErrorCode, sent: string[] = []) {
  expect(response.status, response.text).toBe(status);
  expect(response.status).toBeLessThan(500);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = errorResponse.parse(response.body);
  expect(body.code).toBe(code);
  expect(body.message).toMatch(/^\S[\s\S]{8,}[.!?]$/);
  expect(response.headers['x-request-id']).toBeTruthy();
  expect(response.headers['x-request-id']).toBe(body.requestId);
  for (const secret of secretsIn(sent)) expect(response.text).not.toContain(secret);
  return body;
}

async function holderOf(apiKey: string): Promise<Holder> {
  const token = await tokenFor(apiKey);
  return { keyId: decodeJwt(token).sub!, apiKey, token };
}

async function newHolder(adminKey: string, input: Record<string, unknown>): Promise<Holder> {
  return holderOf((await createKey(adminKey, input)).apiKey);
}

// ---------------------------------------------------------------------------------------------
// Fixture: a home tenant with callers of every type and state, and another tenant
// ---------------------------------------------------------------------------------------------

const HOME = 'auth-home';
const OTHER = 'auth-other';

const home = {} as Record<'system' | 'privileged' | 'viewer' | 'client' | 'revoked' | 'disabled' | 'expired' | 'deleted', Holder>;
const other = {} as { system: Holder; key: Holder & { name: string; preview: string } };
type Forgery =
  | 'genuine'
  | 'expired'
  | 'foreignSignature'
  | 'editedPayload'
  | 'wrongTyp'
  | 'wrongAudience'
  | 'wrongIssuer'
  | 'unsigned'
  | 'hmacWithPublicKey'
  | 'otherTenantClaim';
const forged = {} as Record<Forgery, string>;

const holderOfType = (type: KeyType): Holder => home[type];

beforeAll(async () => {
  const homeTenant = await newTenant(HOME);
  const otherTenant = await newTenant(OTHER);
  home.system = await holderOf(homeTenant.apiKey);
  await Promise.all([signedIn(HOME, HOME_PERSON), signedIn(OTHER, OTHER_PERSON)]);
  const admin = home.system.apiKey;
  [home.privileged, home.viewer, home.client, home.revoked, home.disabled, home.expired, home.deleted] = await Promise.all([
    newHolder(admin, { name: 'privileged caller', type: 'privileged' }),
    newHolder(admin, { name: 'viewer caller', type: 'viewer' }),
    newHolder(admin, { name: 'client caller', type: 'client' }),
    newHolder(admin, { name: 'revoked caller', type: 'privileged' }),
    newHolder(admin, { name: 'disabled caller', type: 'privileged' }),
    newHolder(admin, { name: 'expired caller', type: 'privileged', expiresInDays: 1 }),
    newHolder(admin, { name: 'deleted caller', type: 'privileged' }),
  ]);
  // Their tokens were issued while the keys were good; now change the keys under them.
  expect((await call('POST', `/v1/keys/${home.revoked.keyId}/revoke`, { headers: withKey(admin), json: {} })).status).toBe(200);
  expect((await call('PATCH', `/v1/keys/${home.disabled.keyId}`, { headers: withKey(admin), json: { enabled: false } })).status).toBe(200);
  expect((await call('DELETE', `/v1/keys/${home.deleted.keyId}`, { headers: withKey(admin) })).status).toBe(204);
  await ageKey(home.expired.keyId, { expiresAt: justNow() });

  other.system = await holderOf(otherTenant.apiKey);
  const otherKey = await createKey(other.system.apiKey, { name: 'only-in-the-other-tenant', type: 'privileged' });
  other.key = { ...(await holderOf(otherKey.apiKey)), name: otherKey.key.name as string, preview: otherKey.key.preview as string };

  // Tokens the service must refuse, built on the home system key (the most powerful identity there is).
  const services = await getServices();
  const { store, cipher } = getAdapters();
  const systemRecord = (await store.keys.get(home.system.keyId))!;
  const config = getConfig();
  const { kid, privateKey } = await serviceSigningKey();
  const genuine = decodeJwt(home.system.token);
  const sign = (payload: JWTPayload, header: { alg: string; typ?: string; kid?: string }, key: KeyObject | Uint8Array) =>
    new SignJWT(payload).setProtectedHeader(header).sign(key);
  const tokenServiceWith = (settings: { issuer: string; audience: string }) =>
    new TokenService(store.settings, cipher, { ...settings, refreshSeconds: 300 });

  forged.genuine = await sign(genuine, { alg: 'RS256', typ: 'at+jwt', kid }, privateKey);
  forged.expired = (await services.tokens.issue(systemRecord, 60, new Date(Date.now() - 3600_000))).token;
  forged.foreignSignature = await sign(
    genuine,
    { alg: 'RS256', typ: 'at+jwt', kid },
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  );
  const [viewerHeader, , viewerSignature] = home.viewer.token.split('.');
  const promoted = { ...decodeJwt(home.viewer.token), scope: 'keys:read keys:write keys:admin', key_type: 'system' };
  forged.editedPayload = `${viewerHeader}.${Buffer.from(JSON.stringify(promoted)).toString('base64url')}.${viewerSignature}`;
  forged.wrongTyp = await sign(genuine, { alg: 'RS256', typ: 'JWT', kid }, privateKey);
  forged.wrongAudience = (
    await tokenServiceWith({ issuer: config.issuer, audience: 'another-api' }).issue(systemRecord, 300, new Date())
  ).token;
  forged.wrongIssuer = (
    await tokenServiceWith({ issuer: 'https://impostor.test', audience: config.audience }).issue(systemRecord, 300, new Date())
  ).token;
  forged.unsigned = new UnsecuredJWT(genuine).encode();
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  forged.hmacWithPublicKey = await sign(genuine, { alg: 'HS256', typ: 'at+jwt', kid }, new TextEncoder().encode(publicPem));
  forged.otherTenantClaim = await sign({ ...genuine, tenant: OTHER }, { alg: 'RS256', typ: 'at+jwt', kid }, privateKey);

  // Each forgery differs from a genuine token only where intended.
  expect(decodeProtectedHeader(forged.wrongTyp)).toEqual({ alg: 'RS256', typ: 'JWT', kid });
  expect(decodeJwt(forged.wrongAudience)).toMatchObject({ aud: 'another-api', iss: config.issuer, sub: home.system.keyId });
  expect(decodeJwt(forged.wrongIssuer)).toMatchObject({ aud: config.audience, iss: 'https://impostor.test' });
  expect(decodeJwt(forged.expired).exp! * 1000).toBeLessThan(Date.now());
  expect(decodeJwt(forged.otherTenantClaim)).toMatchObject({ tenant: OTHER, sub: home.system.keyId });
});

// ---------------------------------------------------------------------------------------------
// A valid request for every authenticated route, built from the route table
// ---------------------------------------------------------------------------------------------

const authenticatedRoutes: Route[] = routeList.filter((route) => route.access !== 'public');

/** A valid body for every authenticated route that takes one. */
const validBodies: Partial<Record<RouteId, () => unknown>> = {
  createKey: () => ({ name: 'made by a test', type: 'viewer' }),
  verifyKey: () => ({ apiKey: home.viewer.apiKey }),
  updateKey: () => ({ name: 'renamed by a test' }),
  regenerateKey: () => ({ gracePeriodSeconds: 0 }),
  revokeKey: () => ({ reason: 'revoked by a test' }),
  // Narrowed to an owner nobody has: the suite's own keys must survive it.
  revokeAllKeys: () => ({ reason: 'revoked by a test', ownerId: 'nobody-at-all' }),
  putTenantPolicy: () => defaultPolicy,
};

const defaultPolicy = {
  maxLifetimeDays: null,
  requireExpiry: false,
  maxGracePeriodSeconds: 604800,
  allowedIps: null,
  systemKey: 'enabled',
  personTokenSeconds: 900,
  onLeak: 'revoke',
};

const pathParams = (route: Route) => [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
const takesKeyId = (route: Route) => pathParams(route).includes('keyId');

/** A recoverable viewer key of the home tenant, made for one route's failing requests. */
const sharedTargets = new Map<RouteId, Promise<string>>();
const newTarget = async () => (await createKey(home.system.apiKey, { name: 'target', type: 'viewer', recoverable: true })).key.id;
const sharedTarget = (route: Route) => {
  if (!sharedTargets.has(route.id)) sharedTargets.set(route.id, newTarget());
  return sharedTargets.get(route.id)!;
};

/** People who signed in to each tenant, as their sign-in records them. */
const HOME_PERSON = 'corp:home-person';
const OTHER_PERSON = 'corp:other-person';
const signedIn = (tenant: string, id: string) =>
  getAdapters().store.people.recordSignIn(
    { tenant, id, issuer: 'https://login.example.com/', email: `${id}@example.com`, name: id, role: 'creator' },
    new Date().toISOString(),
  );

/** Sends the route's valid request with `headers`, aimed at `keyId` (a home target when not given) or the home person. */
async function send(route: Route, headers: Headers, keyId?: string): Promise<ApiResponse> {
  const path = (takesKeyId(route) ? route.path.replace('{keyId}', keyId ?? (await sharedTarget(route))) : route.path).replace(
    '{personId}',
    encodeURIComponent(HOME_PERSON),
  );
  const body = validBodies[route.id]?.();
  return call(route.method, path, { headers, ...(body !== undefined ? { json: body } : {}) });
}

/**
 * The fixture itself, checked once it is built: the genuine token must pass, so each forgery
 * fails for its one defect alone, and every authenticated route must have a valid request
 * here. A gap stops the whole file with what to add; it is not a test of the product.
 */
beforeAll(async () => {
  const response = await call('GET', '/v1/whoami', { headers: withToken(forged.genuine) });
  if (response.status !== 200 || keyWhoamiResponse.parse(response.body).key.id !== home.system.keyId) {
    throw new Error(`the re-signed genuine token is refused (${response.status}): the forgeries would prove nothing`);
  }
  if (authenticatedRoutes.length === 0) throw new Error('no authenticated route found in the route table');
  for (const route of authenticatedRoutes) {
    if (pathParams(route).some((name) => name !== 'keyId' && name !== 'personId'))
      throw new Error(`${route.id}: teach send() to fill its path parameters`);
    const body = validBodies[route.id];
    if (route.body ? !body || !route.body.safeParse(body()).success : body) {
      throw new Error(`${route.id}: validBodies must hold a valid body exactly when the route takes one`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// The same auth failures against every authenticated route
// ---------------------------------------------------------------------------------------------

interface AuthFailure {
  name: string;
  status: number;
  code: ErrorCode;
  headers: () => Headers;
}

const unknownKey = formatApiKey('kw', { keyId: generateKeyId(), secret: generateSecret() });
const flipLast = (text: string) => text.slice(0, -1) + (text.endsWith('A') ? 'B' : 'A');

const credentialFailures: AuthFailure[] = [
  { name: 'no credential at all', status: 401, code: 'auth.missing_credentials', headers: () => ({}) },
  { name: 'an empty x-api-key header', status: 401, code: 'auth.missing_credentials', headers: () => ({ 'x-api-key': '' }) },
  { name: 'a Bearer scheme with no token', status: 401, code: 'auth.missing_credentials', headers: () => ({ authorization: 'Bearer' }) },
  {
    name: 'HTTP Basic instead of Bearer',
    status: 401,
    code: 'auth.missing_credentials',
    headers: () => ({ authorization: `Basic ${Buffer.from(`${home.system.keyId}:${home.system.apiKey}`).toString('base64')}` }),
  },
  { name: 'a malformed API key', status: 401, code: 'authentication.invalid_api_key', headers: () => withKey('kw_not-a-real-key') },
  {
    name: 'an API key with a bad checksum',
    status: 401,
    code: 'authentication.invalid_api_key',
    headers: () => withKey(flipLast(home.system.apiKey)),
  },
  {
    name: 'a well-formed API key that does not exist',
    status: 401,
    code: 'authentication.invalid_api_key',
    headers: () => withKey(unknownKey),
  },
  {
    name: 'a real key id with a wrong secret',
    status: 401,
    code: 'authentication.invalid_api_key',
    headers: () => withKey(formatApiKey('kw', { keyId: home.system.keyId, secret: generateSecret() })),
  },
  { name: 'a token sent in x-api-key', status: 401, code: 'authentication.invalid_api_key', headers: () => withKey(home.system.token) },
  { name: 'a token whose exp has passed', status: 401, code: 'auth.token_expired', headers: () => withToken(forged.expired) },
  {
    name: 'a token signed by another RSA key under the service kid',
    status: 401,
    code: 'auth.invalid_token',
    headers: () => withToken(forged.foreignSignature),
  },
  {
    name: 'a token whose payload was edited after signing',
    status: 401,
    code: 'auth.invalid_token',
    headers: () => withToken(forged.editedPayload),
  },
  { name: "a token of typ 'JWT' instead of 'at+jwt'", status: 401, code: 'auth.invalid_token', headers: () => withToken(forged.wrongTyp) },
  { name: 'a token for another audience', status: 401, code: 'auth.invalid_token', headers: () => withToken(forged.wrongAudience) },
  { name: 'a token from another issuer', status: 401, code: 'auth.invalid_token', headers: () => withToken(forged.wrongIssuer) },
  { name: "an unsigned token (alg 'none')", status: 401, code: 'auth.invalid_token', headers: () => withToken(forged.unsigned) },
  {
    name: 'a token signed HS256 with the public key',
    status: 401,
    code: 'auth.invalid_token',
    headers: () => withToken(forged.hmacWithPublicKey),
  },
  {
    name: "a token whose tenant is not its key's tenant",
    status: 401,
    code: 'auth.invalid_token',
    headers: () => withToken(forged.otherTenantClaim),
  },
  { name: 'a token of a key deleted since', status: 401, code: 'auth.invalid_token', headers: () => withToken(home.deleted.token) },
  { name: 'a garbage bearer token', status: 401, code: 'auth.invalid_token', headers: () => withToken('not.a.token') },
  { name: 'an API key sent as a bearer token', status: 401, code: 'auth.invalid_token', headers: () => withToken(home.system.apiKey) },
  { name: 'a revoked key', status: 401, code: 'authentication.key_revoked', headers: () => withKey(home.revoked.apiKey) },
  {
    name: 'a token issued before its key was revoked',
    status: 401,
    code: 'authentication.key_revoked',
    headers: () => withToken(home.revoked.token),
  },
  { name: 'a disabled key', status: 401, code: 'authentication.key_disabled', headers: () => withKey(home.disabled.apiKey) },
  {
    name: 'a token issued before its key was disabled',
    status: 401,
    code: 'authentication.key_disabled',
    headers: () => withToken(home.disabled.token),
  },
  { name: 'an expired key', status: 401, code: 'authentication.key_expired', headers: () => withKey(home.expired.apiKey) },
  {
    name: 'a token issued before its key expired',
    status: 401,
    code: 'authentication.key_expired',
    headers: () => withToken(home.expired.token),
  },
];

/** For routes without a key id: proof that the other tenant's keys and events never show, for a home caller. */
const isolationProbes: Partial<Record<RouteId, (caller: Headers) => Promise<void>>> = {
  createKey: async (caller) => {
    const created = await call('POST', '/v1/keys', { headers: caller, json: { name: 'made at home', type: 'viewer' } });
    expect(created.status).toBe(201);
    const issued = issuedKeyResponse.parse(created.body);
    expectError(await call('GET', `/v1/keys/${issued.key.id}`, { headers: withKey(other.system.apiKey) }), 404, 'key.not_found');
    const login = await call('POST', '/v1/authentication', { json: { apiKey: issued.apiKey } });
    expect(authenticationResponse.parse(login.body).key.tenant).toBe(HOME);
    // The tenant comes from the credential, never from the body.
    const smuggled = await call('POST', '/v1/keys', { headers: caller, json: { name: 'smuggled', type: 'viewer', tenant: OTHER } });
    expectError(smuggled, 400, 'request.invalid');
  },
  listKeys: async (caller) => {
    const all = keyListResponse.parse((await call('GET', '/v1/keys?limit=100', { headers: caller })).body);
    const ids = all.items.map((key) => key.id);
    expect(ids).toContain(home.viewer.keyId);
    expect(ids).not.toContain(other.key.keyId);
    expect(ids).not.toContain(other.system.keyId);
    for (const search of [other.key.apiKey, other.key.keyId, other.key.preview, other.key.name]) {
      const found = await call('GET', `/v1/keys?search=${encodeURIComponent(search)}`, { headers: caller });
      expect(found.status).toBe(200);
      expect(keyListResponse.parse(found.body).items).toEqual([]);
    }
  },
  listPeople: async (caller) => {
    const page = await call('GET', '/v1/people', { headers: caller });
    const ids = page.body.items.map((person: { id: string }) => person.id);
    expect(ids).toContain(HOME_PERSON);
    expect(ids).not.toContain(OTHER_PERSON);
  },
  signOutPerson: async (caller) => {
    const theirs = await call('POST', `/v1/people/${encodeURIComponent(OTHER_PERSON)}/sign-out`, { headers: caller });
    expectError(theirs, 404, 'person.not_found');
    expect((await getAdapters().store.people.get(OTHER, OTHER_PERSON))?.signedOutAt).toBeNull();
  },
  verifyKey: async (caller) => {
    const before = await auditOf(withKey(other.system.apiKey), other.key.keyId);
    const byKey = await call('POST', '/v1/keys/verify', { headers: caller, json: { apiKey: other.key.apiKey } });
    expect(verifyResponse.parse(byKey.body)).toEqual({ valid: false, code: 'authentication.invalid_api_key' });
    const byToken = await call('POST', '/v1/keys/verify', { headers: caller, json: { token: other.key.token } });
    expect(verifyResponse.parse(byToken.body)).toEqual({ valid: false, code: 'auth.invalid_token' });
    expect(byKey.text).not.toContain(other.key.name);
    // Checking a key of another tenant leaves no trace in that tenant.
    expect(await auditOf(withKey(other.system.apiKey), other.key.keyId)).toEqual(before);
  },
  revokeAllKeys: async (caller) => {
    const owner = 'shared-owner-name';
    const theirs = await createKey(other.system.apiKey, { name: 'theirs', type: 'viewer', ownerId: owner });
    const ours = await createKey(home.system.apiKey, { name: 'ours', type: 'viewer', ownerId: owner });
    const revoked = await call('POST', '/v1/keys/revoke-all', { headers: caller, json: { reason: 'offboarding', ownerId: owner } });
    expect(revoked.body).toEqual({ revoked: 1 });
    expect((await call('GET', `/v1/keys/${ours.key.id}`, { headers: withKey(home.system.apiKey) })).body.status).toBe('revoked');
    expect((await call('GET', `/v1/keys/${theirs.key.id}`, { headers: withKey(other.system.apiKey) })).body.status).toBe('active');
  },
  tenantUsage: async (caller) => {
    const theirs = await createKey(other.system.apiKey, { name: 'used elsewhere', type: 'viewer' });
    expect((await call('POST', '/v1/authentication', { json: { apiKey: theirs.apiKey } })).status).toBe(200);
    await countRecordedUses();
    const usage = await call('GET', '/v1/usage', { headers: caller });
    expect(usage.status).toBe(200);
    const seen = (usage.body.topKeys as { keyId: string }[]).map((top) => top.keyId);
    for (const id of [theirs.key.id, other.key.keyId, other.system.keyId]) expect(seen).not.toContain(id);
  },
  getTenantPolicy: async (caller) => {
    const strict = { ...defaultPolicy, requireExpiry: true };
    expect((await call('PUT', '/v1/tenant/policy', { headers: withKey(other.system.apiKey), json: strict })).status).toBe(200);
    expect((await call('GET', '/v1/tenant/policy', { headers: caller })).body).toEqual(defaultPolicy);
    expect((await call('PUT', '/v1/tenant/policy', { headers: withKey(other.system.apiKey), json: defaultPolicy })).status).toBe(200);
  },
  putTenantPolicy: async (caller) => {
    const strict = { ...defaultPolicy, maxGracePeriodSeconds: 60 };
    expect((await call('PUT', '/v1/tenant/policy', { headers: caller, json: strict })).status).toBe(200);
    expect((await call('GET', '/v1/tenant/policy', { headers: withKey(other.system.apiKey) })).body).toEqual(defaultPolicy);
    expect((await call('PUT', '/v1/tenant/policy', { headers: caller, json: defaultPolicy })).status).toBe(200);
  },
  whoami: async (caller) => {
    const me = keyWhoamiResponse.parse((await call('GET', '/v1/whoami', { headers: caller })).body);
    expect(me.tenant).toBe(HOME);
    expect(me.key.id).toBe(home.system.keyId);
  },
  audit: async (caller) => {
    const events = await auditOf(caller);
    expect(events.length).toBeGreaterThan(0);
    const otherIds = [other.system.keyId, other.key.keyId];
    expect(events.filter((event) => otherIds.includes(event.keyId ?? '') || otherIds.includes(event.actor))).toEqual([]);
    expect(await auditOf(caller, other.key.keyId)).toEqual([]);
    expect(await auditOf(caller, other.system.keyId)).toEqual([]);
  },
};

/** Every audit event a caller can read (optionally of one key), following cursors to the end. */
async function auditOf(caller: Headers, keyId?: string) {
  const events = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '100', ...(keyId ? { keyId } : {}), ...(cursor ? { cursor } : {}) });
    const response = await call('GET', `/v1/audit?${query}`, { headers: caller });
    expect(response.status, response.text).toBe(200);
    const page = auditListResponse.parse(response.body);
    events.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return events;
}

/** Which key types may call each authenticated route, written out here rather than computed by the code under test. */
const allowed: Record<string, readonly KeyType[]> = {
  createKey: ['system', 'privileged'],
  listPeople: ['system'],
  signOutPerson: ['system'],
  listKeys: ['system', 'privileged', 'viewer'],
  keyUsage: ['system', 'privileged', 'viewer'],
  tenantUsage: ['system', 'privileged', 'viewer'],
  revokeAllKeys: ['system'],
  getTenantPolicy: ['system', 'privileged', 'viewer'],
  putTenantPolicy: ['system'],
  verifyKey: ['system', 'privileged', 'viewer'],
  getKey: ['system', 'privileged', 'viewer'],
  updateKey: ['system', 'privileged'],
  deleteKey: ['system', 'privileged'],
  regenerateKey: ['system', 'privileged'],
  revokeKey: ['system', 'privileged'],
  revealKey: ['system'],
  whoami: ['system', 'privileged', 'viewer', 'client'],
  audit: ['system', 'privileged', 'viewer'],
};
const allowedFor = (route: Route): readonly KeyType[] => {
  const types = allowed[route.id];
  if (!types) throw new Error(`write the key types allowed for ${route.id} into the table above`);
  return types;
};

/** The least powerful key type that may call the route. */
const leastTypeFor = (route: Route): KeyType =>
  (['client', 'viewer', 'privileged', 'system'] as const).find((type) => allowedFor(route).includes(type))!;

describe.each(authenticatedRoutes)('$method $path (needs $access)', (route) => {
  it.each(credentialFailures)('refuses $name: $status $code', async ({ headers, status, code }) => {
    const sent = headers();
    expectError(await send(route, sent), status, code, Object.values(sent));
  });

  const lacking = (['system', 'privileged', 'viewer', 'client'] as const)
    .filter((type) => !allowedFor(route).includes(type))
    .flatMap((type) => credentialForms.map((form) => ({ type, form })));
  if (lacking.length > 0) {
    it.each(lacking)(`refuses a $type key sent as $form: 403 auth.forbidden naming '${route.access}'`, async ({ type, form }) => {
      const sent = present(holderOfType(type), form);
      const body = expectError(await send(route, sent), 403, 'auth.forbidden', Object.values(sent));
      expect(body.message).toContain(`'${route.access}'`);
    });
  }

  if (takesKeyId(route)) {
    it.each(credentialForms)("answers 404 key.not_found, never 403, for another tenant's key id (home system key as %s)", async (form) => {
      const sent = present(home.system, form);
      const body = expectError(await send(route, sent, other.key.keyId), 404, 'key.not_found', Object.values(sent));
      expect(body.message).not.toContain(OTHER);
    });
  } else {
    it("never shows the other tenant's keys or audit events to the home system key", async () => {
      const probe = isolationProbes[route.id];
      expect(probe, `write an isolation probe for ${route.id}`).toBeDefined();
      await probe!(present(home.system, 'bearer token'));
    });
  }

  it(`accepts the same request from a ${leastTypeFor(route)} key, the least that holds '${route.access}'`, async () => {
    const response = await send(
      route,
      present(holderOfType(leastTypeFor(route)), 'bearer token'),
      takesKeyId(route) ? await newTarget() : undefined,
    );
    expect(response.status, response.text).toBe(route.success.status);
    if (route.success.schema) route.success.schema.parse(response.body);
    else expect(response.text).toBe('');
    expect(response.headers['x-request-id']).toBeTruthy();
  });
});

describe('after every cross-tenant attempt', () => {
  it("the other tenant's key is untouched and still works", async () => {
    // The attempts themselves, so this holds whatever ran before: every route that takes a key
    // id, aimed at the other tenant's key by the home system key, in both credential forms.
    for (const route of authenticatedRoutes.filter(takesKeyId)) {
      for (const form of credentialForms) {
        const sent = present(home.system, form);
        expectError(await send(route, sent, other.key.keyId), 404, 'key.not_found', Object.values(sent));
      }
    }
    const seen = await call('GET', `/v1/keys/${other.key.keyId}`, { headers: withKey(other.system.apiKey) });
    expect(keyViewSchema.parse(seen.body)).toMatchObject({ name: other.key.name, status: 'active', recoverable: false });
    expect((await call('GET', '/v1/whoami', { headers: withKey(other.key.apiKey) })).status).toBe(200);
    const actors = (await auditOf(withKey(other.system.apiKey))).map((event) => event.actor);
    expect(actors.filter((actor) => ![other.system.keyId, other.key.keyId, 'bootstrap'].includes(actor))).toEqual([]);
  });

  it('an unknown key, a bad checksum, a malformed key and a wrong secret all get one and the same answer', async () => {
    const answers = await Promise.all(
      [
        unknownKey,
        flipLast(home.system.apiKey),
        'kw_not-a-real-key',
        formatApiKey('kw', { keyId: home.system.keyId, secret: generateSecret() }),
      ].map(async (apiKey) =>
        expectError(await call('GET', '/v1/whoami', { headers: withKey(apiKey) }), 401, 'authentication.invalid_api_key', [apiKey]),
      ),
    );
    expect(new Set(answers.map((body) => body.message)).size).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// No privilege escalation
// ---------------------------------------------------------------------------------------------

describe('no privilege escalation', () => {
  const esc = {} as { system: Holder; privileged: Holder; viewer: Holder };

  beforeAll(async () => {
    const tenant = await newTenant('escalation');
    esc.system = await holderOf(tenant.apiKey);
    [esc.privileged, esc.viewer] = await Promise.all([
      newHolder(tenant.apiKey, { name: 'billing integration', type: 'privileged', scopes: ['billing:read'] }),
      newHolder(tenant.apiKey, { name: 'billing bot', type: 'viewer', scopes: ['billing:read'] }),
    ]);
  });

  const as = (holder: Holder, form: CredentialForm = 'x-api-key') => present(holder, form);
  const viewOf = async (keyId: string) => keyViewSchema.parse((await call('GET', `/v1/keys/${keyId}`, { headers: as(esc.system) })).body);

  it.each(credentialForms)('a privileged key (as %s) cannot create a key with a custom scope it does not hold', async (form) => {
    const response = await call('POST', '/v1/keys', {
      headers: as(esc.privileged, form),
      json: { name: 'wider', type: 'viewer', scopes: ['billing:read', 'billing:write'] },
    });
    const body = expectError(response, 403, 'auth.forbidden');
    expect(body.message).toContain("'billing:write'");
    expect(body.message).not.toContain("'billing:read'");
  });

  it('a privileged key may create keys of its own rank with the custom scopes it holds', async () => {
    const response = await call('POST', '/v1/keys', {
      headers: as(esc.privileged),
      json: { name: 'same', type: 'privileged', scopes: ['billing:read'] },
    });
    expect(response.status, response.text).toBe(201);
    expect(issuedKeyResponse.parse(response.body).key).toMatchObject({
      type: 'privileged',
      scopes: ['billing:read'],
      createdBy: esc.privileged.keyId,
    });
  });

  it('a privileged key cannot add a custom scope it does not hold to an existing key', async () => {
    const { key } = await createKey(esc.privileged.apiKey, { name: 'narrow', type: 'viewer', scopes: ['billing:read'] });
    const response = await call('PATCH', `/v1/keys/${key.id}`, {
      headers: as(esc.privileged),
      json: { scopes: ['billing:read', 'billing:admin'] },
    });
    expect(expectError(response, 403, 'auth.forbidden').message).toContain("'billing:admin'");
    expect((await viewOf(key.id)).scopes).toEqual(['billing:read']);
  });

  it('a privileged key cannot change, regenerate, revoke or delete a key that carries a scope it does not hold', async () => {
    const { key, apiKey } = await createKey(esc.system.apiKey, { name: 'deployer', type: 'viewer', scopes: ['ops:deploy'] });
    const caller = as(esc.privileged);
    const attempts = [
      call('PATCH', `/v1/keys/${key.id}`, { headers: caller, json: { name: 'taken over' } }),
      call('PATCH', `/v1/keys/${key.id}`, { headers: caller, json: { enabled: false } }),
      call('POST', `/v1/keys/${key.id}/regenerate`, { headers: caller, json: {} }),
      call('POST', `/v1/keys/${key.id}/revoke`, { headers: caller, json: {} }),
      call('DELETE', `/v1/keys/${key.id}`, { headers: caller }),
    ];
    for (const response of await Promise.all(attempts))
      expect(expectError(response, 403, 'auth.forbidden').message).toContain("'ops:deploy'");
    expect(await viewOf(key.id)).toMatchObject({ name: 'deployer', status: 'active', scopes: ['ops:deploy'] });
    expect((await call('GET', '/v1/whoami', { headers: withKey(apiKey) })).status).toBe(200);
  });

  it.each(credentialForms)("a privileged key (as %s) cannot regenerate or update the system key: 403 naming 'keys:admin'", async (form) => {
    const caller = as(esc.privileged, form);
    const attempts = [
      call('POST', `/v1/keys/${esc.system.keyId}/regenerate`, { headers: caller, json: {} }),
      call('PATCH', `/v1/keys/${esc.system.keyId}`, { headers: caller, json: { name: 'mine now' } }),
      call('PATCH', `/v1/keys/${esc.system.keyId}`, { headers: caller, json: { scopes: ['billing:read'] } }),
    ];
    for (const response of await Promise.all(attempts))
      expect(expectError(response, 403, 'auth.forbidden').message).toContain("'keys:admin'");
    expect((await viewOf(esc.system.keyId)).name).toBe('System key');
    expect((await call('GET', '/v1/whoami', { headers: withKey(esc.system.apiKey) })).status).toBe(200);
  });

  it('a privileged key cannot disable, revoke or delete the system key', async () => {
    const caller = as(esc.privileged);
    const attempts = await Promise.all([
      call('PATCH', `/v1/keys/${esc.system.keyId}`, { headers: caller, json: { enabled: false } }),
      call('POST', `/v1/keys/${esc.system.keyId}/revoke`, { headers: caller, json: {} }),
      call('DELETE', `/v1/keys/${esc.system.keyId}`, { headers: caller }),
    ]);
    for (const response of attempts) {
      expect(response.status, response.text).toBe(403);
      expect(['auth.forbidden', 'key.protected']).toContain(errorResponse.parse(response.body).code);
    }
    expect((await viewOf(esc.system.keyId)).status).toBe('active');
  });

  it.each(['privileged', 'viewer'] as const)("a viewer key cannot create a %s key: 403 naming 'keys:write'", async (type) => {
    for (const form of credentialForms) {
      const response = await call('POST', '/v1/keys', { headers: as(esc.viewer, form), json: { name: 'from a viewer', type } });
      expect(expectError(response, 403, 'auth.forbidden').message).toContain("'keys:write'");
    }
  });

  it('a viewer key cannot change any key, not even itself', async () => {
    const response = await call('PATCH', `/v1/keys/${esc.viewer.keyId}`, {
      headers: as(esc.viewer),
      json: { scopes: ['billing:read', 'billing:write'] },
    });
    expect(expectError(response, 403, 'auth.forbidden').message).toContain("'keys:write'");
    expect((await viewOf(esc.viewer.keyId)).scopes).toEqual(['billing:read']);
  });

  it('the system key (keys:admin) may grant any custom scope', async () => {
    const scopes = ['billing:write', 'anything.at_all', 'ops:deploy'];
    const response = await call('POST', '/v1/keys', {
      headers: as(esc.system, 'bearer token'),
      json: { name: 'wide', type: 'privileged', scopes },
    });
    expect(response.status, response.text).toBe(201);
    expect(issuedKeyResponse.parse(response.body).key.scopes).toEqual(scopes);
  });

  it.each(['system', 'privileged'] as const)(
    'nobody can create a system key over the API, not even a %s key: 400 request.invalid',
    async (type) => {
      const response = await call('POST', '/v1/keys', {
        headers: as(type === 'system' ? esc.system : esc.privileged),
        json: { name: 'second root', type: 'system' },
      });
      const body = expectError(response, 400, 'request.invalid');
      expect(body.details?.map((detail) => detail.path)).toContain('type');
      expect(body.message).toMatch(/system/);
    },
  );

  it('a key cannot be turned into a system key by an update', async () => {
    const { key } = await createKey(esc.system.apiKey, { name: 'plain', type: 'viewer' });
    expectError(await call('PATCH', `/v1/keys/${key.id}`, { headers: as(esc.system), json: { type: 'system' } }), 400, 'request.invalid');
    expect((await viewOf(key.id)).type).toBe('viewer');
  });

  it("custom scopes cannot smuggle in a 'keys:' permission", async () => {
    for (const scopes of [['keys:admin'], ['keys:write']]) {
      const response = await call('POST', '/v1/keys', { headers: as(esc.privileged), json: { name: 'smuggler', type: 'viewer', scopes } });
      expectError(response, 400, 'request.invalid');
    }
  });

  it('the system key cannot delete, disable or revoke itself: 403 key.protected', async () => {
    const caller = as(esc.system);
    const attempts = await Promise.all([
      call('DELETE', `/v1/keys/${esc.system.keyId}`, { headers: caller }),
      call('PATCH', `/v1/keys/${esc.system.keyId}`, { headers: caller, json: { enabled: false } }),
      call('POST', `/v1/keys/${esc.system.keyId}/revoke`, { headers: caller, json: { reason: 'oops' } }),
    ]);
    for (const response of attempts) expectError(response, 403, 'key.protected');
    expect((await viewOf(esc.system.keyId)).status).toBe('active');
  });

  it('the system key can be regenerated by itself, and then only its new secret works', async () => {
    // A tenant of its own: the system key the other tests here use keeps its secret.
    const own = await holderOf((await newTenant('escalation-regenerate')).apiKey);
    const response = await call('POST', `/v1/keys/${own.keyId}/regenerate`, { headers: as(own), json: {} });
    expect(response.status, response.text).toBe(200);
    const fresh = issuedKeyResponse.parse(response.body);
    expect(fresh.key).toMatchObject({ id: own.keyId, type: 'system', status: 'active' });
    expectError(await call('GET', '/v1/whoami', { headers: withKey(own.apiKey) }), 401, 'authentication.invalid_api_key', [own.apiKey]);
    expect((await call('GET', '/v1/whoami', { headers: withKey(fresh.apiKey) })).status).toBe(200);
  });
});
