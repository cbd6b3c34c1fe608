import { KeywardError, withErrorHeaders } from '#shared/errors.ts';
import { httpHandler, withHeaders } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';
import { grantedScopes } from '#shared/domain/permissions.ts';
import { basicChallenge, clientCredentials, requestedScopes } from '#shared/http/oauth.ts';
import { exchangeKeyForToken } from '#shared/services/token-exchange.ts';

export const handler = httpHandler(route.oauthToken, async ({ body, headers, services, sourceIp, now }) => {
  if (body.grant_type !== 'client_credentials') {
    throw new KeywardError('request.invalid', 'Only grant_type=client_credentials is supported.', { oauthError: 'unsupported_grant_type' });
  }
  const issued = await exchangeKeyForToken(services, clientCredentials(body, headers.authorization), {
    sourceIp,
    now,
    scopes: requestedScopes(body.scope),
  }).catch((error: unknown) => {
    // RFC 6749 5.2: a client that authenticated with the Authorization header gets a challenge back.
    if (headers.authorization !== undefined && error instanceof KeywardError && error.status === 401) {
      throw withErrorHeaders(error, basicChallenge);
    }
    throw error;
  });
  return withHeaders(
    { access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope: grantedScopes(issued.grant).join(' ') },
    issued.headers,
  );
});
