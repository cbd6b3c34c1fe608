import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../observability.ts';
import { metricNames } from '../limits.ts';
import type { KeyRecord } from '../ports.ts';
import type { Services } from '../runtime.ts';
import { narrowGrant, type Grant } from '../domain/permissions.ts';
import { rateLimitHeaders } from '../domain/usage-controls.ts';
import type { Credential } from './authenticator.ts';

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 900;
const BREAK_GLASS_TOKEN_SECONDS = 900;

/**
 * Trades an API key (or Key ID + Key Secret) for an access token: the route both token
 * endpoints share. The token carries the version of the secret that was presented, so a
 * token minted from a grace-period secret is already superseded on Keyward's own routes.
 */
export async function exchangeKeyForToken(
  services: Pick<Services, 'authenticator' | 'tokens'>,
  credential: Credential,
  context: { sourceIp: string | null; now: Date; expiresIn?: number | undefined; scopes?: readonly string[] | undefined },
): Promise<{ key: KeyRecord; grant: Grant; token: string; expiresIn: number; expiresAt: string; headers: Record<string, string> }> {
  const { authenticator, tokens } = services;
  const verdict = await authenticator.judgeKey(credential, context);
  if (!verdict.ok) throw verdict.refusal;
  const { key, secretVersion, usage } = verdict.value;
  const grant = context.scopes === undefined ? key : narrowGrant(key, context.scopes);
  metrics.addMetric(metricNames.authenticationSuccess, MetricUnit.Count, 1);
  // A system key under break-glass gets short tokens: the emergency ends when they do.
  const asked = context.expiresIn ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  const expiresIn = verdict.value.breakGlass ? Math.min(asked, BREAK_GLASS_TOKEN_SECONDS) : asked;
  const { token, expiresAt } = await tokens.issue(key, expiresIn, context.now, { secretVersion, grant });
  return { key, grant, token, expiresIn, expiresAt, headers: rateLimitHeaders(usage) };
}
