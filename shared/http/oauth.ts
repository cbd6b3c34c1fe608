import { KeywardError } from '../errors.ts';

/** RFC 6749 2.3.1: Basic credentials are form-urlencoded first; a malformed escape matches no key. */
function formDecode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return '';
  }
}

export const basicChallenge = { 'www-authenticate': 'Basic realm="keyward", charset="UTF-8"' };

/**
 * The client credentials of an OAuth token request, from HTTP Basic auth (RFC 6749 2.3.1,
 * form-urlencoded id and secret) or the body, never both.
 */
export function clientCredentials(
  body: { client_id?: string | undefined; client_secret?: string | undefined },
  authorization: string | undefined,
) {
  const fromBody = body.client_id !== undefined || body.client_secret !== undefined;
  if (authorization !== undefined) {
    if (fromBody)
      throw new KeywardError(
        'request.ambiguous_credentials',
        'Send client credentials either in the Authorization header or in the body, not both, so it is clear who is calling.',
        { oauthError: 'invalid_request' },
      );
    const [scheme, encoded] = authorization.trim().split(/\s+/);
    const decoded = scheme?.toLowerCase() === 'basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 1) {
      throw new KeywardError(
        'authentication.invalid_api_key',
        'The Authorization header must be HTTP Basic with the key id as user and the key secret as password.',
        {
          headers: basicChallenge,
        },
      );
    }
    return { keyId: formDecode(decoded.slice(0, colon)), keySecret: formDecode(decoded.slice(colon + 1)) };
  }
  if (body.client_id === undefined || body.client_secret === undefined) {
    // RFC 6749 5.2: a client that did not authenticate gets 401 invalid_client, with a challenge.
    throw new KeywardError(
      'auth.missing_credentials',
      'Authenticate the client: send client_id (the key id) and client_secret (the key secret), in the body or as HTTP Basic auth.',
      {
        headers: basicChallenge,
      },
    );
  }
  return { keyId: body.client_id, keySecret: body.client_secret };
}

/** The scopes a token request asks for (RFC 6749 3.3: space-separated), or undefined for all the key holds. */
export function requestedScopes(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  const scopes = [...new Set(scope.split(' ').filter(Boolean))];
  return scopes.length > 0 ? scopes : undefined;
}
