import { spawn } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import type { Answer } from '#shared/client/keyward-client.ts';
import { cliSignInPort } from '../cdk/outputs.ts';
import { CliError, connect } from './api-client.ts';
import { type Credentials, type SsoSignIn, saveCredentials } from './credentials.ts';

/**
 * The CLI as a public OpenID client of the organisation's identity provider: an authorization
 * code with PKCE on a loopback redirect (RFC 8252) or the device grant (RFC 8628), then the ID
 * token traded for a Keyward token (RFC 8693). Tokens are never printed.
 */

export type SignInProvider = Answer<'get', '/v1/sign-in/providers'>['providers'][number];

// Refresh tokens come with the person's session at the identity provider, not `offline_access`:
// the CLI renews silently only while that session lasts.
const SCOPE = 'openid email profile';
const SIGN_IN_TIMEOUT_MS = 5 * 60_000;
const IDP_TIMEOUT_SECONDS = 15;
const SIGN_IN_ENDED = 'Your sign-in has ended: run keyward login --sso again.';

/** The provider to sign in with: the one `wanted`, or the only one the deployment trusts. */
export function chooseProvider(
  providers: SignInProvider[],
  wanted: string | undefined,
  endpoint: string,
): SignInProvider & { cliClientId: string } {
  const ids = providers.map((provider) => provider.id).join(', ');
  if (providers.length === 0) throw new CliError(`${endpoint} trusts no identity provider: log in with an API key (\`keyward login\`).`);
  if (wanted === undefined && providers.length > 1)
    throw new CliError(`${endpoint} trusts several identity providers: choose one with --provider (${ids}).`);
  const provider = wanted === undefined ? providers[0] : providers.find((candidate) => candidate.id === wanted);
  if (!provider) throw new CliError(`${endpoint} trusts no identity provider '${wanted}': choose one of ${ids}.`);
  if (!provider.cliClientId)
    throw new CliError(`The identity provider '${provider.id}' has no client for the CLI (cliClientId) at ${endpoint}: ask its operator.`);
  return { ...provider, cliClientId: provider.cliClientId };
}

const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** A failure of the identity provider as the CLI shows it: its refusal, or why it could not be reached. */
function idpError(error: unknown, issuer: string): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError)
    return new CliError(`The identity provider at ${issuer} refused the sign-in: ${error.error_description ?? error.error}`, {
      code: error.error,
    });
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = error.cause as { code?: string; message?: string } | undefined;
    return new CliError(
      `Could not reach the identity provider at ${issuer} (${cause?.code ?? cause?.message ?? 'no answer'}): is it running, and is its issuer right?`,
    );
  }
  return new CliError(`Signing in at ${issuer} failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** The identity provider's configuration for the CLI's client, from its discovery document. */
export async function identityProvider(issuer: string, clientId: string): Promise<oidc.Configuration> {
  const url = new URL(issuer);
  // Plain http only on the loopback, where a development provider runs (RFC 8252 §8.3 keeps the rest on TLS).
  const insecure = url.protocol === 'http:';
  if (insecure && !isLoopback(url))
    throw new CliError(`The identity provider's issuer ${issuer} is not https: only one on 127.0.0.1 or localhost may use http.`);
  try {
    return await oidc.discovery(url, clientId, undefined, oidc.None(), {
      timeout: IDP_TIMEOUT_SECONDS,
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  } catch (error) {
    throw idpError(error, issuer);
  }
}

export interface IdpTokens {
  idToken: string;
  refreshToken?: string;
}

function tokensOf(response: oidc.TokenEndpointResponse, issuer: string): IdpTokens {
  if (!response.id_token)
    throw new CliError(`The identity provider at ${issuer} gave no ID token: the CLI's client must be allowed 'openid'.`);
  return { idToken: response.id_token, ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}) };
}

/** Signs the person in at the identity provider: in this machine's browser, or with `device` on any other device. */
export async function signIn(config: oidc.Configuration, options: { device?: boolean; openBrowser: boolean }): Promise<IdpTokens> {
  const { issuer, device_authorization_endpoint } = config.serverMetadata();
  if (!options.device) return signInWithBrowser(config, options.openBrowser);
  if (!device_authorization_endpoint)
    throw new CliError(`The identity provider at ${issuer} offers no device sign-in: run without --device.`);
  return signInOnAnotherDevice(config);
}

const isCognito = (issuer: string) => /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\//.test(issuer);

async function signInWithBrowser(config: oidc.Configuration, openBrowser: boolean): Promise<IdpTokens> {
  const { issuer } = config.serverMetadata();
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Any free port: a provider accepts a loopback redirect on any port (RFC 8252 §7.3), but
      // Cognito matches the port exactly, so for it the one port the stack registers.
      server.listen(isCognito(issuer) ? cliSignInPort : 0, '127.0.0.1', resolve);
    });
  } catch (error) {
    throw new CliError(`Could not listen on 127.0.0.1 for the sign-in's redirect (${(error as Error).message}): try --device.`);
  }
  try {
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
    const expectedState = oidc.randomState();
    const expectedNonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: 'S256',
      state: expectedState,
      nonce: expectedNonce,
    });
    console.error(`Open this URL to sign in:\n${url.href}`);
    if (openBrowser) openInBrowser(url.href);
    const { callback, response } = await nextCallback(server, redirectUri);
    try {
      const tokens = tokensOf(
        await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true }),
        issuer,
      );
      answerBrowser(response, true);
      return tokens;
    } catch (error) {
      answerBrowser(response, false);
      throw idpError(error, issuer);
    }
  } finally {
    server.close();
  }
}

/** The browser's return to the redirect URI; anything else on the port is not found. */
function nextCallback(server: Server, redirectUri: string): Promise<{ callback: URL; response: ServerResponse }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const timer = setTimeout(
      () => reject(new CliError('No sign-in came back within 5 minutes: run `keyward login --sso` again.')),
      SIGN_IN_TIMEOUT_MS,
    );
    server.on('request', (request, response) => {
      const callback = new URL(request.url ?? '/', redirectUri);
      if (answered || request.method !== 'GET' || callback.pathname !== '/callback')
        return void response.writeHead(404, { connection: 'close' }).end();
      answered = true;
      clearTimeout(timer);
      resolve({ callback, response });
    });
  });
}

function answerBrowser(response: ServerResponse, signedIn: boolean): void {
  const message = signedIn ? 'Signed in, you can close this tab.' : 'The sign-in failed: the terminal says why. You can close this tab.';
  response.writeHead(signedIn ? 200 : 400, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'",
    // The address holds the authorization code: no page may learn it.
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  response.end(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Keyward sign-in</title><p>${message}</p></html>`);
}

/** `$BROWSER`, else the platform's opener; when that fails the printed URL is the way in. */
function openInBrowser(url: string): void {
  const browser = process.env.BROWSER?.trim();
  const [command, args]: [string, string[]] = browser
    ? [browser, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? // `start` is a cmd built-in; the quotes keep the URL's `&` from cmd.
          ['cmd', ['/c', 'start', '""', `"${url}"`]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsVerbatimArguments: process.platform === 'win32' });
  child.on('error', () => {});
  child.unref();
}

async function signInOnAnotherDevice(config: oidc.Configuration): Promise<IdpTokens> {
  const { issuer } = config.serverMetadata();
  try {
    const device = await oidc.initiateDeviceAuthorization(config, { scope: SCOPE });
    console.error(
      device.verification_uri_complete
        ? `To sign in, open this URL on any device:\n${device.verification_uri_complete}\nor open ${device.verification_uri} and enter the code ${device.user_code}`
        : `To sign in, open ${device.verification_uri} on any device and enter the code ${device.user_code}`,
    );
    return tokensOf(await oidc.pollDeviceAuthorizationGrant(config, device), issuer);
  } catch (error) {
    throw idpError(error, issuer);
  }
}

/** Trades the identity provider's ID token for a Keyward token (RFC 8693 token exchange). */
export async function exchangeIdToken(endpoint: string, idToken: string, tenant: string | undefined) {
  const form = {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: idToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    ...(tenant ? { tenant } : {}),
  };
  const body = await connect(endpoint).call((http) =>
    http.POST('/v1/oauth/token', {
      body: form,
      bodySerializer: () => new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
  );
  return { token: body.access_token, tokenExpiresAt: new Date(Date.now() + body.expires_in * 1000).toISOString() };
}

/**
 * A new Keyward token for a person whose token is (nearly) expired: a refresh at the identity
 * provider, while their session there lasts, then the token exchange again; saved as it goes.
 */
export async function renewSignIn(saved: Credentials, env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const { sso } = saved;
  if (!sso?.refreshToken) throw new CliError(SIGN_IN_ENDED);
  const config = await identityProvider(sso.issuer, sso.clientId);
  let tokens: IdpTokens;
  try {
    tokens = tokensOf(await oidc.refreshTokenGrant(config, sso.refreshToken), sso.issuer);
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError) throw new CliError(SIGN_IN_ENDED);
    throw idpError(error, sso.issuer);
  }
  // The provider may have rotated the refresh token, spending the old one: keep the new one before anything else can fail.
  const renewed: Credentials = { ...saved, sso: { ...sso, refreshToken: tokens.refreshToken ?? sso.refreshToken } };
  saveCredentials(renewed, env);
  const exchanged = { ...renewed, ...(await exchangeIdToken(saved.endpoint, tokens.idToken, sso.tenant)) };
  saveCredentials(exchanged, env);
  return exchanged;
}

/** Revokes the saved refresh token at the identity provider; false when it offers no revocation. */
export async function revokeSignIn(sso: SsoSignIn & { refreshToken: string }): Promise<boolean> {
  const config = await identityProvider(sso.issuer, sso.clientId);
  if (!config.serverMetadata().revocation_endpoint) return false;
  try {
    await oidc.tokenRevocation(config, sso.refreshToken, { token_type_hint: 'refresh_token' });
    return true;
  } catch (error) {
    throw idpError(error, sso.issuer);
  }
}
