import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { freePort } from '#local/dynamodb-local.ts';
import { startIdentityProvider, type RunningIdentityProvider } from '#local/identity-provider.ts';
import { addPerson, CLI_CLIENT_ID, localProviderEntry, readPeople } from '#local/local-people.ts';
import { completeLogin } from '../support/browser-login.ts';
import { useLocalServer } from '../support/local-http.ts';
import { newTenant } from '../support/api.ts';

// The OpenID Provider `npm start` runs, driven by a client library nobody here wrote
// (openid-client, as the CLI's client): authorization code with PKCE on a loopback redirect,
// our own login page, the refresh token, and Keyward trusting the provider like any other.

const TENANT = 'idp-local';
const dir = mkdtempSync(join(tmpdir(), 'keyward-idp-'));
const idpPort = await freePort();
const consoleOrigin = 'http://127.0.0.1:3999';
let idp: RunningIdentityProvider;
process.env.KEYWARD_IDENTITY_PROVIDERS = JSON.stringify([localProviderEntry(`http://127.0.0.1:${idpPort}`)]);
const { http } = useLocalServer();

let config: client.Configuration;
let admin: Awaited<ReturnType<typeof addPerson>>;

/** One sign-in as the CLI does it: PKCE, a state, a loopback redirect on an arbitrary port. */
async function signIn(credentials: { email: string; password: string }) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: 'http://127.0.0.1:49152/callback',
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const login = await completeLogin(url, credentials);
  if (!login.callback) return { login };
  const tokens = await client.authorizationCodeGrant(config, login.callback, { pkceCodeVerifier: verifier, expectedState: state });
  return { login, tokens };
}

beforeAll(async () => {
  await newTenant(TENANT);
  idp = await startIdentityProvider({ port: idpPort, consoleOrigin, dir });
  admin = await addPerson({ email: 'Ada@Example.com', tenant: TENANT, role: 'admin', name: 'Ada' }, dir);
  config = await client.discovery(new URL(idp.issuer), CLI_CLIENT_ID, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
});
afterAll(async () => {
  await idp.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the local identity provider', () => {
  it('stores a password only as a salted hash and names the person local:<sub>', () => {
    const [stored] = readPeople(dir);
    expect(stored).toMatchObject({ email: 'ada@example.com', name: 'Ada', groups: [`${TENANT}-admins`] });
    expect(admin.personId).toBe(`local:${stored!.sub}`);
    const files = readFileSync(join(dir, 'people.json'), 'utf8');
    expect(files).not.toContain(admin.password);
    expect(stored!.passwordHash).toMatch(/^[\w-]{22}:[\w-]{43}$/);
  });

  it('signs a person in through its own login page, and Keyward trades the ID token for a token of their role', async () => {
    const { login, tokens } = await signIn({ email: 'ada@example.com', password: admin.password });
    expect(login.callback?.origin).toBe('http://127.0.0.1:49152');
    const claims = decodeJwt(tokens!.id_token!);
    expect(claims).toMatchObject({ iss: idp.issuer, aud: CLI_CLIENT_ID, email: 'ada@example.com', groups: [`${TENANT}-admins`] });
    expect(tokens!.refresh_token).toBeTruthy();

    const exchanged = await http('POST', '/v1/oauth/token', {
      raw: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: tokens!.id_token!,
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(exchanged.status, exchanged.text).toBe(200);
    const whoami = await http('GET', '/v1/whoami', { token: exchanged.body.access_token });
    expect(whoami.body).toMatchObject({ person: { id: admin.personId, email: 'ada@example.com', role: 'admin' }, tenant: TENANT });
  });

  it('refreshes silently while the session lasts, with a new ID token, across a restart', async () => {
    const { tokens } = await signIn({ email: 'ada@example.com', password: admin.password });
    // Sessions and refresh tokens live in the provider's folder, not in its memory.
    const state = readFileSync(join(dir, 'state.json'), 'utf8');
    expect(state).toContain('"Session:');
    expect(state).toContain('"RefreshToken:');
    await idp.close();
    // Lets the client's connection pool see its kept-alive sockets closed before the next request.
    await new Promise((done) => setTimeout(done, 200));
    idp = await startIdentityProvider({ port: idpPort, consoleOrigin, dir });
    const refreshed = await client.refreshTokenGrant(config, tokens!.refresh_token!);
    expect(decodeJwt(refreshed.id_token!).sub).toBe(decodeJwt(tokens!.id_token!).sub);
  });

  it('refuses a wrong password or an unknown e-mail alike, and never echoes the password', async () => {
    for (const credentials of [
      { email: 'ada@example.com', password: 'not-her-password' },
      { email: 'nobody@example.com', password: admin.password },
    ]) {
      const { login } = await signIn(credentials);
      expect(login.callback).toBeUndefined();
      expect(login.status).toBe(401);
      expect(login.page).toContain('Wrong e-mail or password.');
      expect(login.page).not.toContain(credentials.password);
    }
  });

  it('gives a new password to a person added again, and the old one stops working', async () => {
    const again = await addPerson({ email: 'ada@example.com', tenant: TENANT, role: 'viewer' }, dir);
    expect(again.personId).toBe(admin.personId);
    expect(readPeople(dir)[0]!.groups).toEqual([`${TENANT}-admins`, `${TENANT}-viewers`]);
    expect((await signIn({ email: 'ada@example.com', password: admin.password })).login.status).toBe(401);
    expect((await signIn({ email: 'ada@example.com', password: again.password })).tokens?.id_token).toBeTruthy();
    admin = again;
  });

  it('advertises the device authorization grant and PKCE with S256, and refuses a request without PKCE', async () => {
    const metadata = config.serverMetadata();
    expect(metadata.device_authorization_endpoint).toBe(`${idp.issuer}/device/auth`);
    expect(metadata.code_challenge_methods_supported).toContain('S256');
    const url = client.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:49152/callback', scope: 'openid' });
    const answer = await fetch(url, { redirect: 'manual' });
    expect(new URL(answer.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });
});
