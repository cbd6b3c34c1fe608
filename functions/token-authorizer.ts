import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createRemoteJWKSet } from 'jose';
import { getConfig } from '#shared/config.ts';
import { logger } from '#shared/observability.ts';
import { accessTokenVerifier } from '#shared/services/access-token-verifier.ts';

const { issuer, audience } = getConfig();
// The JWKS is fetched once and cached; an unknown kid triggers one refetch (jose's cooldown applies).
const verify = accessTokenVerifier({ issuer, audience, keys: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)) });

/** A REST API TOKEN authorizer for downstream APIs: allows the API's methods for a valid Keyward token. */
export async function handler(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const [scheme, token] = (event.authorizationToken ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) throw new Error('Unauthorized');
  let access: Awaited<ReturnType<typeof verify>>;
  try {
    access = await verify(token);
  } catch (error) {
    logger.info('token refused', { reason: (error as Error).name });
    throw new Error('Unauthorized');
  }
  // Allow every method of this API and stage, so API Gateway can cache the answer per token.
  const [arn = '', stage = ''] = event.methodArn.split('/');
  return {
    principalId: access.keyId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arn}/${stage}/*` }],
    },
    context: {
      tenant: access.tenant,
      keyId: access.keyId,
      keyType: access.keyType,
      scopes: access.scopes.join(' '),
      ownerId: access.ownerId ?? '',
    },
  };
}
