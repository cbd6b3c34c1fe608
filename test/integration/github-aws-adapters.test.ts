import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sign } from '@octokit/webhooks-methods';
import { SqsAlertQueue, type MessageSender } from '#shared/adapters/sqs-alert-queue.ts';
import { SecretsManagerGithubSecrets, type SecretReader } from '#shared/adapters/secrets-manager-github-secrets.ts';
import type { GithubAlertJob } from '#shared/ports.ts';

// The SQS queue and the Secrets Manager secrets of GitHub secret scanning on AWS: each adapter
// over a stand-in client (what it sends, what it reads, how often), then the runtime of a
// deployed function wired to them by its settings, with the SDK clients stubbed.

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/keyward-github-alerts';
const WEBHOOK_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/test/github-webhook-secret-AbCdEf';
const APP_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:keyward/test/github-app-AbCdEf';
const WEBHOOK_SECRET = `webhook${randomUUID().replaceAll('-', '')}`;
const PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----\nMII${randomUUID()}\n-----END PRIVATE KEY-----\n`;
const job: GithubAlertJob = { deliveryId: randomUUID(), installationId: 42, repository: 'acme/app', alertNumber: 7 };

/** A Secrets Manager stand-in: the secrets by ARN, and every ARN asked for. */
function secretStore(secrets: Record<string, string | undefined>) {
  const reads: string[] = [];
  const client: SecretReader = {
    async send(command) {
      const arn = command.input.SecretId!;
      reads.push(arn);
      if (!(arn in secrets)) throw Object.assign(new Error(`Secrets Manager can't find ${arn}`), { name: 'ResourceNotFoundException' });
      return { $metadata: {}, ARN: arn, SecretString: secrets[arn] };
    },
  };
  return { client, reads };
}

describe('the SQS alert queue', () => {
  it('sends each job as one JSON message to the queue URL, with nothing but the job in it', async () => {
    const sent: SendMessageCommand[] = [];
    const sqs: MessageSender = {
      async send(command) {
        sent.push(command);
        return { $metadata: {}, MessageId: randomUUID() };
      },
    };
    // Whatever else the object handed over holds stays out of the message.
    await new SqsAlertQueue(sqs, QUEUE_URL).send({ ...job, secret: PRIVATE_KEY } as GithubAlertJob);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(SendMessageCommand);
    expect(sent[0]!.input.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(sent[0]!.input.MessageBody!)).toEqual(job);
    expect(sent[0]!.input.MessageBody).not.toContain('PRIVATE KEY');
  });

  it('fails the send when SQS fails it, for the webhook to release the delivery', async () => {
    const sqs: MessageSender = {
      send: async () => {
        throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      },
    };
    await expect(new SqsAlertQueue(sqs, QUEUE_URL).send(job)).rejects.toThrow('throttled');
  });
});

describe('the GitHub secrets in Secrets Manager', () => {
  it('reads each secret once, however often and however concurrently it is asked for', async () => {
    const { client, reads } = secretStore({
      [WEBHOOK_ARN]: `${WEBHOOK_SECRET}\n`,
      [APP_ARN]: JSON.stringify({ appId: 424242, privateKey: PRIVATE_KEY }),
    });
    const secrets = new SecretsManagerGithubSecrets(client, { webhookSecret: WEBHOOK_ARN, app: APP_ARN });
    const first = await Promise.all([secrets.webhookSecret(), secrets.webhookSecret(), secrets.app(), secrets.app()]);
    expect(first).toEqual([WEBHOOK_SECRET, WEBHOOK_SECRET, { appId: '424242', privateKey: PRIVATE_KEY }, first[2]]);
    expect(await secrets.webhookSecret()).toBe(WEBHOOK_SECRET);
    expect((await secrets.app()).privateKey).toBe(PRIVATE_KEY);
    expect(reads.sort()).toEqual([APP_ARN, WEBHOOK_ARN].sort());
  });

  it('keeps no failed read: the next call reads again', async () => {
    const { client, reads } = secretStore({ [WEBHOOK_ARN]: WEBHOOK_SECRET });
    let outage = true;
    const flaky: SecretReader = {
      send: async (command) => {
        if (!outage) return client.send(command);
        outage = false;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
    };
    const secrets = new SecretsManagerGithubSecrets(flaky, { webhookSecret: WEBHOOK_ARN });
    await expect(secrets.webhookSecret()).rejects.toThrow('Rate exceeded');
    expect(await secrets.webhookSecret()).toBe(WEBHOOK_SECRET);
    expect(await secrets.webhookSecret()).toBe(WEBHOOK_SECRET);
    expect(reads).toEqual([WEBHOOK_ARN]);
  });

  it.each([
    ['the placeholder the stack creates', JSON.stringify({ appId: '', privateKey: '' })],
    ['a bare private key, not JSON', PRIVATE_KEY],
    ['JSON without the private key', JSON.stringify({ appId: '424242', key: PRIVATE_KEY })],
    ['JSON with an App id of another type', JSON.stringify({ appId: [424242], privateKey: PRIVATE_KEY })],
    ['JSON that is no object', JSON.stringify(PRIVATE_KEY)],
    ['nothing as text (a binary secret)', undefined],
  ])('refuses %s for the App, saying what to put and quoting none of it', async (_, value) => {
    const secrets = new SecretsManagerGithubSecrets(secretStore({ [APP_ARN]: value }).client, { app: APP_ARN });
    const error = await secrets.app().then(
      () => undefined,
      (thrown: unknown) => thrown as Error,
    );
    expect(error?.message).toBe(
      `The secret ${APP_ARN} must hold the GitHub App as JSON {"appId": "<the App id>", "privateKey": "<the private key, PEM>"}.`,
    );
    expect(error?.message).not.toContain('MII');
    expect(error?.cause).toBeUndefined();
  });

  it('refuses an empty webhook secret, and names the setting a function without an ARN lacks', async () => {
    const empty = new SecretsManagerGithubSecrets(secretStore({ [WEBHOOK_ARN]: ' \n' }).client, { webhookSecret: WEBHOOK_ARN });
    await expect(empty.webhookSecret()).rejects.toThrow(
      `The secret ${WEBHOOK_ARN} holds no GitHub webhook secret: put the App's webhook secret in it, as plain text.`,
    );
    const { client, reads } = secretStore({});
    const none = new SecretsManagerGithubSecrets(client, {});
    await expect(none.webhookSecret()).rejects.toThrow('set KEYWARD_GITHUB_WEBHOOK_SECRET_ARN');
    await expect(none.app()).rejects.toThrow('set KEYWARD_GITHUB_APP_SECRET_ARN');
    expect(reads).toEqual([]);
  });
});

describe('a deployed function with the GitHub settings', () => {
  const sqs = mockClient(SQSClient);
  const secretsManager = mockClient(SecretsManagerClient);
  let appSecret = JSON.stringify({ appId: '', privateKey: '' });
  secretsManager.on(GetSecretValueCommand, { SecretId: WEBHOOK_ARN }).resolves({ ARN: WEBHOOK_ARN, SecretString: WEBHOOK_SECRET });
  secretsManager.on(GetSecretValueCommand, { SecretId: APP_ARN }).callsFake(async () => ({ ARN: APP_ARN, SecretString: appSecret }));
  Object.assign(process.env, {
    AWS_LAMBDA_FUNCTION_NAME: 'keyward-github',
    KEYWARD_GITHUB_QUEUE_URL: QUEUE_URL,
    KEYWARD_GITHUB_WEBHOOK_SECRET_ARN: WEBHOOK_ARN,
    KEYWARD_GITHUB_APP_SECRET_ARN: APP_ARN,
  });

  let api: typeof import('../support/api.ts');
  beforeAll(async () => {
    api = await import('../support/api.ts');
    await api.newTenant('github-aws');
  });

  const alertPayload = JSON.stringify({
    action: 'created',
    alert: { number: job.alertNumber, secret_type: 'keyward_api_key' },
    repository: { full_name: job.repository },
    installation: { id: job.installationId },
  });
  const deliver = async (deliveryId: string) =>
    api.call('POST', '/v1/integrations/github/secret-scanning', {
      raw: alertPayload,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'secret_scanning_alert',
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': await sign(WEBHOOK_SECRET, alertPayload),
      },
    });

  it("checks deliveries with the webhook secret from Secrets Manager and queues their alerts in SQS; an SQS outage answers 503 and GitHub's redelivery is queued", async () => {
    const deliveryId = randomUUID();
    sqs
      .on(SendMessageCommand)
      .rejectsOnce(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $fault: 'server' }));
    const refused = await deliver(deliveryId);
    expect(refused.status, refused.text).toBe(503);
    expect(refused.body.code).toBe('service.unavailable');
    expect(refused.headers['retry-after']).toBeDefined();

    sqs.on(SendMessageCommand).resolves({ MessageId: randomUUID() });
    const answer = await deliver(deliveryId);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text).toBe('{"received":true}');
    const sends = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(sends.map((send) => send.QueueUrl)).toEqual([QUEUE_URL, QUEUE_URL]);
    expect(sends.map((send) => JSON.parse(send.MessageBody!))).toEqual([
      { ...job, deliveryId },
      { ...job, deliveryId },
    ]);
    // The webhook secret was read once for both requests, the App's never.
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId)).toEqual([WEBHOOK_ARN]);
  });

  it('runs the worker on the App secret from Secrets Manager: a malformed one fails the message with what to put, never the value', async () => {
    appSecret = PRIVATE_KEY;
    const warn = vi.spyOn((await import('#shared/observability.ts')).logger, 'warn');
    const { handler } = await import('#functions/github-alert-worker.ts');
    const { lambdaContext } = await import('#local/proxy-event.ts');
    const result = await handler(
      { Records: [{ messageId: 'job-1', body: JSON.stringify(job) }] } as never,
      lambdaContext('github-alert-worker'),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'job-1' }] });
    expect(secretsManager.commandCalls(GetSecretValueCommand, { SecretId: APP_ARN })).toHaveLength(1);
    const reasons = warn.mock.calls.map(([, fields]) => String((fields as { reason?: unknown }).reason));
    expect(reasons).toEqual([expect.stringContaining(`${APP_ARN} must hold the GitHub App as JSON {"appId"`)]);
    expect(JSON.stringify(warn.mock.calls)).not.toContain('MII');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
  });

  it('without those settings, says GitHub secret scanning is not set up rather than keep local files or in-process jobs', async () => {
    vi.resetModules();
    const saved = { ...process.env };
    try {
      for (const name of ['KEYWARD_GITHUB_QUEUE_URL', 'KEYWARD_GITHUB_WEBHOOK_SECRET_ARN', 'KEYWARD_GITHUB_APP_SECRET_ARN'])
        delete process.env[name];
      const cold = await import('#shared/runtime.ts');
      expect(() => cold.getGithubWebhook()).toThrow(/not set up on this deployment/);
      vi.resetModules();
      // Secrets Manager set up, but no queue: still refused.
      process.env.KEYWARD_GITHUB_WEBHOOK_SECRET_ARN = WEBHOOK_ARN;
      const noQueue = await import('#shared/runtime.ts');
      expect(() => noQueue.getGithubWebhook()).toThrow(/not set up on this deployment/);
    } finally {
      process.env = saved;
      vi.resetModules();
    }
  });
});
