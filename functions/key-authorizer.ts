import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { grantedScopes } from '#shared/domain/permissions.ts';
import { logger } from '#shared/observability.ts';
import { getServices } from '#shared/runtime.ts';

/** Refusals that say the caller is not authenticated (401); every other refusal is a deny (403). */
const unauthenticated = new Set([
  'authentication.invalid_api_key',
  'authentication.key_disabled',
  'authentication.key_revoked',
  'authentication.key_expired',
]);

const headerOf = (headers: APIGatewayRequestAuthorizerEvent['headers'], name: string) =>
  Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;

/**
 * A REST API REQUEST authorizer for downstream APIs: checks the `x-api-key` of every request
 * against the table with every usage control (status, allowed IPs, rate limit, credits), so
 * each request is a use of the key, and passes who called to the backend. A key refused for
 * its status or secret gets 401; one refused by a usage control gets 403, with the reason in
 * the context (API Gateway lets a gateway response show it).
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const apiKey = headerOf(event.headers, 'x-api-key')?.trim();
  if (!apiKey) throw new Error('Unauthorized');
  const { authenticator } = await getServices();
  const verdict = await authenticator.judgeKey({ apiKey }, { sourceIp: event.requestContext?.identity?.sourceIp ?? null, now: new Date() });
  if (!verdict.ok) {
    const { code, headers } = verdict.refusal;
    logger.info('key refused', { code });
    if (unauthenticated.has(code)) throw new Error('Unauthorized');
    return {
      principalId: 'refused',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event.methodArn }] },
      context: { reason: code, retryAfter: headers?.['retry-after'] ?? '' },
    };
  }
  const { key, usage } = verdict.value;
  // Only this method: results are not cached, so every request is judged (and counted) on its own.
  return {
    principalId: key.keyId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
    context: {
      keyId: key.keyId,
      tenant: key.tenant,
      scopes: grantedScopes(key).join(' '),
      ownerId: key.ownerId ?? '',
      meta: JSON.stringify(key.meta ?? {}),
      ...(usage.rateLimit ? { rateLimitRemaining: usage.rateLimit.remaining } : {}),
      ...(usage.credits ? { creditsRemaining: usage.credits.remaining } : {}),
    },
  };
}
