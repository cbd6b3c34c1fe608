import { Duration, type RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import nag from 'cdk-nag';
import { Construct } from 'constructs';
import { functionSettings } from '../function-settings.ts';

export interface GithubSecretScanningProps {
  stage: string;
  removalPolicy: RemovalPolicy;
  /** functions/github-secret-scanning.ts: checks each delivery and queues its alert. */
  webhook: NodejsFunction;
  /** functions/github-alert-worker.ts: the only function that calls GitHub. */
  worker: NodejsFunction;
  /** GitHub's REST API (another for GitHub Enterprise Server). */
  apiUrl?: string;
}

/** What the App secret holds until someone fills it in: the worker's error names it and says what to put. */
const appPlaceholder = JSON.stringify({ appId: '', privateKey: '' });

/** An SQS receive of a message hides it this long: six times the worker's timeout, as Lambda advises for its SQS event sources. */
const visibilityTimeout = Duration.seconds(6 * functionSettings['github-alert-worker'].timeoutSeconds);

/**
 * GitHub secret scanning on AWS. The webhook's function checks each delivery with the webhook
 * secret and sends its alert to a queue; the worker, fed by the queue, reads the App's
 * credentials, calls GitHub and deals with the key. A message the worker fails on five times
 * moves to a dead-letter queue (alarmed). Each function may read only its own secret, and only
 * the webhook's may send to the queue.
 */
export class GithubSecretScanning extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Generated at deployment: copy it into the GitHub App's webhook settings. */
  readonly webhookSecret: secretsmanager.Secret;
  /** Created with a placeholder: put the App's `{"appId", "privateKey"}` in it. */
  readonly appSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: GithubSecretScanningProps) {
    super(scope, id);
    const { stage, removalPolicy, webhook, worker } = props;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Alerts', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    this.webhookSecret = new secretsmanager.Secret(this, 'WebhookSecret', {
      secretName: `keyward/${stage}/github-webhook-secret`,
      description: `Keyward ${stage}: the webhook secret of the GitHub App; copy it into the App's webhook settings`,
      // Letters and digits only: it is pasted into a form field as it is.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    // CloudFormation writes the placeholder only on creation, or if it changes in the template: what is put in it stays.
    this.appSecret = new secretsmanager.Secret(this, 'AppSecret', {
      secretName: `keyward/${stage}/github-app`,
      description: `Keyward ${stage}: the GitHub App that resolves alerts, as JSON {"appId": "<App id>", "privateKey": "<PEM private key>"}`,
      secretStringValue: SecretValue.unsafePlainText(appPlaceholder),
      removalPolicy,
    });
    nag.NagSuppressions.addResourceSuppressions(
      [this.webhookSecret, this.appSecret],
      [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            "GitHub's webhook secret and the App's private key are issued and rotated in GitHub, then put here: Secrets Manager cannot rotate them.",
        },
      ],
    );

    // The queue's key is SQS's own AWS-managed key: its key policy lets SQS use it for any sender of the account, no kms: grant needed.
    webhook.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    webhook.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.webhookSecret.secretArn] }),
    );
    webhook.addEnvironment('KEYWARD_GITHUB_QUEUE_URL', this.queue.queueUrl);
    webhook.addEnvironment('KEYWARD_GITHUB_WEBHOOK_SECRET_ARN', this.webhookSecret.secretArn);

    worker.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.appSecret.secretArn] }));
    worker.addEnvironment('KEYWARD_GITHUB_APP_SECRET_ARN', this.appSecret.secretArn);
    worker.addEnvironment('KEYWARD_GITHUB_API_URL', props.apiUrl ?? 'https://api.github.com');
    // The event source grants the worker receiving, deleting and hiding messages of this queue, nothing else.
    worker.addEventSource(
      new SqsEventSource(this.queue, {
        // Each job may wait on GitHub three times for up to 5 s: two fit in the worker's 30 s.
        batchSize: 2,
        reportBatchItemFailures: true,
        // A few at a time: GitHub limits each installation's requests.
        maxConcurrency: 3,
      }),
    );
  }
}
