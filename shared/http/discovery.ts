import { jwks, oauthToken } from './route-definitions.ts';

/**
 * The discovery document, served both as OpenID provider configuration and as RFC 8414
 * authorization server metadata (same content), so standard JWT validators and OAuth
 * clients find the token endpoint and the JWKS with no code.
 */
export function discoveryDocument(issuer: string) {
  return {
    issuer,
    jwks_uri: `${issuer}${jwks.path}`,
    token_endpoint: `${issuer}${oauthToken.path}`,
    // Keys authenticate as clients; people's token exchange (RFC 8693) takes no client authentication.
    grant_types_supported: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    response_types_supported: ['token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}
