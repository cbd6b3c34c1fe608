import { verify } from '@octokit/webhooks-methods';
import * as z from 'zod/mini';
import { KeywardError } from '../errors.ts';
import type { GithubAlertQueue, GithubSecrets, WebhookDeliveries } from '../ports.ts';

/** One webhook delivery as GitHub sent it: the raw body and the headers that matter. */
export interface WebhookDelivery {
  body: string;
  signature: string | undefined;
  event: string | undefined;
  deliveryId: string | undefined;
}

/** A new alert, or one reopened after it was closed: the key may be live again. */
const queuedActions: ReadonlySet<unknown> = new Set(['created', 'reopened']);

const positive = () => z.number().check(z.int(), z.positive());
const alertEvent = z.object({
  alert: z.object({ number: positive(), secret_type: z.string() }),
  repository: z.object({ full_name: z.string().check(z.regex(/^[\w.-]+\/[\w.-]+$/)) }),
  installation: z.object({ id: positive() }),
});

const deliveryIdPattern = /^[0-9A-Za-z-]{1,100}$/;

const invalidSignature = () =>
  new KeywardError(
    'webhook.invalid_signature',
    "X-Hub-Signature-256 is missing or is not the HMAC-SHA256 of the body under this deployment's webhook secret.",
  );

/**
 * Receives GitHub's `secret_scanning_alert` webhook. Only a delivery signed with the webhook
 * secret is read at all; a new alert is queued once per delivery id, for the worker to read
 * its secret from GitHub (the payload holds none). Every other event and action is received
 * and left alone, so GitHub sees a healthy hook.
 */
export class GithubWebhook {
  private readonly deps: {
    secrets: Pick<GithubSecrets, 'webhookSecret'>;
    deliveries: WebhookDeliveries;
    queue: GithubAlertQueue;
    /** The custom pattern's secret types to queue; empty: every alert, and the worker judges the secret. */
    secretTypes: string[];
  };

  constructor(deps: GithubWebhook['deps']) {
    this.deps = deps;
  }

  async receive(delivery: WebhookDelivery, now: Date): Promise<void> {
    if (!(await this.signed(delivery))) throw invalidSignature();
    let payload: unknown;
    try {
      payload = JSON.parse(delivery.body);
    } catch {
      throw new KeywardError('request.malformed_json', 'The body is not valid JSON: a GitHub webhook sends one JSON object.');
    }
    if (delivery.event !== 'secret_scanning_alert') return;
    if (!queuedActions.has((payload as { action?: unknown } | null)?.action)) return;
    const parsed = alertEvent.safeParse(payload);
    if (!parsed.success)
      throw new KeywardError(
        'request.invalid',
        'The secret_scanning_alert payload lacks alert.number, alert.secret_type, repository.full_name or installation.id: deliver it from a GitHub App.',
      );
    const { alert, repository, installation } = parsed.data;
    const { secretTypes } = this.deps;
    if (secretTypes.length > 0 && !secretTypes.includes(alert.secret_type)) return;
    const deliveryId = delivery.deliveryId;
    if (!deliveryId || !deliveryIdPattern.test(deliveryId))
      throw new KeywardError('request.invalid', 'The X-GitHub-Delivery header is missing or is not a delivery id.');
    if (!(await this.deps.deliveries.claim(deliveryId, now))) return;
    const job = { deliveryId, installationId: installation.id, repository: repository.full_name, alertNumber: alert.number };
    try {
      await this.deps.queue.send(job);
    } catch (error) {
      // Not queued, so not received: GitHub's redelivery of it must not count as a replay.
      await this.deps.deliveries.release(deliveryId);
      throw error;
    }
  }

  /** Constant-time comparison of the signature with the HMAC-SHA256 of the body as it was sent. */
  private async signed({ body, signature }: WebhookDelivery): Promise<boolean> {
    if (!signature || body === '') return false;
    const secret = await this.deps.secrets.webhookSecret();
    if (secret === '') throw new Error('the GitHub webhook secret is empty');
    return verify(secret, body, signature);
  }
}
