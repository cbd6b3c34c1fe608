import { KeywardError, withErrorHeaders } from '#shared/errors.ts';
import { httpHandler, withHeaders } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';
import { grantedScopes } from '#shared/domain/permissions.ts';
import { basicChallenge, clientCredentials, requestedScopes } from '#shared/http/oauth.ts';
import { exchangeKeyForToken } from '#shared/services/token-exchange.ts';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '#shared/services/person-sign-in.ts';

export const handler = httpHandler(route.oauthToken, async ({ body, headers, services, sourceIp, now }) => {
  if (body.grant_type === TOKEN_EXCHANGE_GRANT) {
    // A public client signs a person in: its client_id is accepted and ignored, as no client authenticates here.
    const issued = await services.signIn.exchange(
      {
        subjectToken: body.subject_token,
        subjectTokenType: body.subject_token_type,
        requestedTokenType: body.requested_token_type,
        scopes: requestedScopes(body.scope),
        tenant: body.tenant,
      },
      { sourceIp, now },
    );
    return {
      access_token: issued.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer' as const,
      expires_in: issued.expiresIn,
      scope: grantedScopes(issued.grant).join(' '),
    };
  }
  if (body.grant_type !== 'client_credentials') {
    throw new KeywardError('request.invalid', `Only grant_type=client_credentials and ${TOKEN_EXCHANGE_GRANT} are supported.`, {
      oauthError: 'unsupported_grant_type',
    });
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
