import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../observability.ts';
import type { KeyRecord } from '../ports.ts';
import type { Services } from '../runtime.ts';

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 900;

export type Credential = { apiKey: string } | { keyId: string; keySecret: string };

/**
 * Trades an API key (or Key ID + Key Secret) for an access token: the route both token
 * endpoints share. Counts successes and failures for the failure-spike alarm.
 */
export async function exchangeKeyForToken(
  services: Pick<Services, 'authenticator' | 'tokens'>,
  credential: Credential,
  context: { sourceIp: string | null; now: Date; expiresIn?: number | undefined },
): Promise<{ key: KeyRecord; token: string; expiresIn: number; expiresAt: string }> {
  const { authenticator, tokens } = services;
  let key: KeyRecord;
  try {
    const parts = 'apiKey' in credential ? authenticator.parseApiKey(credential.apiKey) : authenticator.partsFromPair(credential.keyId, credential.keySecret);
    key = await authenticator.checkKey(parts, context);
  } catch (error) {
    metrics.addMetric('AuthenticationFailure', MetricUnit.Count, 1);
    throw error;
  }
  metrics.addMetric('AuthenticationSuccess', MetricUnit.Count, 1);
  const expiresIn = context.expiresIn ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  const { token, expiresAt } = await tokens.issue(key, expiresIn, context.now);
  return { key, token, expiresIn, expiresAt };
}
