/**
 * Signing a person in through their identity provider: the authorization code flow with PKCE,
 * `state` and `nonce` (a public client: no secret in the browser), done by oauth4webapi. Only
 * the flow's one-time values wait in session storage across the redirect; the ID token goes
 * straight to Keyward's token exchange and is never kept.
 */
import * as oauth from 'oauth4webapi';

export interface Provider {
  id: string;
  name: string;
  issuer: string;
  consoleClientId?: string | null;
}

interface Pending {
  providerId: string;
  issuer: string;
  clientId: string;
  codeVerifier: string;
  state: string;
  nonce: string;
}

const PENDING = 'keyward.sso';

/** The console's own address, as registered with the provider. */
const redirectUri = () => `${location.origin}/`;

/** Plain HTTP is allowed only for a provider on this machine (the one `npm start` runs). */
const insecureAllowed = (issuer: URL) => issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);

async function discover(issuerText: string) {
  const issuer = new URL(issuerText);
  const options = { [oauth.allowInsecureRequests]: insecureAllowed(issuer) };
  const response = await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' });
  return { server: await oauth.processDiscoveryResponse(issuer, response), options };
}

/** Leaves for the provider's sign-in page; the browser comes back to the console with a code. */
export async function startSignIn(provider: Provider): Promise<never> {
  if (!provider.consoleClientId) throw new Error(`${provider.name} has no console client configured: sign in with an API key.`);
  const { server } = await discover(provider.issuer);
  const pending: Pending = {
    providerId: provider.id,
    issuer: provider.issuer,
    clientId: provider.consoleClientId,
    codeVerifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: pending.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'openid email profile',
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  }).toString();
  location.assign(url);
  return new Promise(() => {});
}

/** True when the page is the provider's answer to a sign-in this tab started. */
export const isSignInAnswer = () => sessionStorage.getItem(PENDING) !== null && /[?&](code|error)=/.test(location.search);

/**
 * Reads the provider's answer (checking `state`, the code with its verifier, and the ID
 * token's issuer, audience and `nonce`), removes it from the address bar, and gives the ID token.
 */
export async function finishSignIn(): Promise<{ idToken: string; providerId: string }> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as Pending | null;
  sessionStorage.removeItem(PENDING);
  const answer = new URL(location.href);
  history.replaceState(null, '', location.pathname);
  if (!pending) throw new Error('This sign-in was not started here: sign in again.');
  const { server, options } = await discover(pending.issuer);
  const client: oauth.Client = { client_id: pending.clientId };
  try {
    const params = oauth.validateAuthResponse(server, client, answer, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      server,
      client,
      oauth.None(),
      params,
      redirectUri(),
      pending.codeVerifier,
      options,
    );
    const result = await oauth.processAuthorizationCodeResponse(server, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    return { idToken: result.id_token!, providerId: pending.providerId };
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError || error instanceof oauth.ResponseBodyError)
      throw new Error(`The identity provider refused the sign-in: ${error.error_description ?? error.error}.`);
    throw new Error('The sign-in could not be completed: start it again.');
  }
}
