import { getConfig } from '#shared/config.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.openIdConfiguration, async () => {
  const { issuer } = getConfig();
  return {
    issuer,
    jwks_uri: `${issuer}${routes.jwks.path}`,
    token_endpoint: `${issuer}${routes.oauthToken.path}`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
});
