import { createAppAuth } from '@octokit/auth-app';
import { request as githubRequest } from '@octokit/request';
import * as z from 'zod/mini';
import { parseApiKey } from '../domain/api-key.ts';
import { effectiveStatus } from '../domain/key-status.ts';
import { logger } from '../observability.ts';
import type { GithubAlertJob, GithubSecrets, KeyRepository } from '../ports.ts';
import type { LeakResponse } from './leak-response.ts';

/** Each call to GitHub is bounded: a slow answer fails the attempt, and the queue retries it later. */
const GITHUB_TIMEOUT_MS = 5000;
const ALERT_ROUTE = '/repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}';

/** What the worker reads of an alert: `secret` is the full leaked value, never logged nor written anywhere. */
const alertSchema = z.object({ state: z.string(), secret: z.string(), html_url: z.string() });

/** A failed call to GitHub, named by its route and status only: the answer may quote the secret. */
const githubFailure = (what: string) => (error: unknown) => {
  const status = (error as { status?: unknown }).status;
  throw new Error(`GitHub answered ${typeof status === 'number' ? status : 'nothing in time'} to ${what}`);
};

/**
 * The secret-scanning worker: for one queued alert it takes a token of the GitHub App's
 * installation, reads the alert's secret, deals with it as a leak, and resolves the alert as
 * `revoked` with a comment naming the key id, once the key is revoked or expired. Any failure
 * throws, for the queue to retry and then dead-letter. An alert already resolved is left as
 * it is; so are a secret that is no key of this deployment and a key the tenant's `onLeak`
 * leaves working or only disables, whose alert stays open for its owner to close.
 */
export class GithubAlerts {
  private readonly deps: {
    secrets: Pick<GithubSecrets, 'app'>;
    leaks: Pick<LeakResponse, 'handle'>;
    keys: Pick<KeyRepository, 'get'>;
    settings: { apiUrl: string; keyPrefix: string };
  };

  constructor(deps: GithubAlerts['deps']) {
    this.deps = deps;
  }

  async handle(job: GithubAlertJob, now: Date): Promise<void> {
    const [owner = '', repo = ''] = job.repository.split('/');
    const where = { owner, repo, alert_number: job.alertNumber };
    const github = await this.installationClient(job.installationId);
    const answer = await github(`GET ${ALERT_ROUTE}`, where).catch(githubFailure('the alert read'));
    const alert = alertSchema.safeParse(answer.data);
    if (!alert.success) throw new Error('GitHub answered an alert without its secret');
    const { secret, state, html_url: url } = alert.data;
    if (state === 'resolved') return;
    const outcome = await this.deps.leaks.handle({ apiKey: secret, via: 'github', source: `github:${job.repository}`, url }, now);
    const parts = parseApiKey(this.deps.settings.keyPrefix, secret);
    const key = parts && (await this.deps.keys.get(parts.keyId));
    const status = key && effectiveStatus(key, now);
    if (!key || (status !== 'revoked' && status !== 'expired')) {
      logger.info('github alert left open', {
        deliveryId: job.deliveryId,
        keyId: key?.keyId,
        status: status ?? 'no key of this deployment',
      });
      return;
    }
    const resolutionComment = outcome.handled
      ? `Keyward ${outcome.action} key ${key.keyId} on this alert; the leak is in its audit log as key.leaked.`
      : `Keyward key ${key.keyId} was already ${status}.`;
    await github(`PATCH ${ALERT_ROUTE}`, {
      ...where,
      state: 'resolved',
      resolution: 'revoked',
      resolution_comment: resolutionComment,
    }).catch(githubFailure('the alert resolution'));
    logger.info('github alert resolved', {
      deliveryId: job.deliveryId,
      keyId: key.keyId,
      action: outcome.handled ? outcome.action : status,
    });
  }

  /** A client of GitHub's REST API authenticated as the App's installation (a token of an hour, taken per job). */
  private async installationClient(installationId: number) {
    const { appId, privateKey } = await this.deps.secrets.app();
    const request = githubRequest.defaults({
      baseUrl: this.deps.settings.apiUrl,
      request: { fetch: (url: string, init: RequestInit) => fetch(url, { ...init, signal: AbortSignal.timeout(GITHUB_TIMEOUT_MS) }) },
    });
    const auth = createAppAuth({ appId, privateKey, installationId, request });
    const { token } = await auth({ type: 'installation' }).catch(githubFailure('the installation token request'));
    return request.defaults({ headers: { authorization: `token ${token}` } });
  }
}
