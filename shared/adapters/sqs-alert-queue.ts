import { SendMessageCommand, SQSClient, type SendMessageCommandOutput } from '@aws-sdk/client-sqs';
import type { GithubAlertJob, GithubAlertQueue } from '../ports.ts';
import { awsClientSettings, boundCalls } from './aws-clients.ts';

/** What the queue needs of an SQS client: sending one message. */
export interface MessageSender {
  send(command: SendMessageCommand): Promise<SendMessageCommandOutput>;
}

/**
 * The alert queue in AWS: one SQS message per job, its body the job as JSON, for the worker
 * function behind the queue's event source. A job says where the alert is, never its secret:
 * the worker reads that from GitHub.
 */
export class SqsAlertQueue implements GithubAlertQueue {
  private readonly sqs: MessageSender;
  private readonly queueUrl: string;

  constructor(sqs: MessageSender, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  async send({ deliveryId, installationId, repository, alertNumber }: GithubAlertJob): Promise<void> {
    // Only the job's own fields: nothing else the caller's object holds reaches the queue.
    const body = JSON.stringify({ deliveryId, installationId, repository, alertNumber });
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
  }
}

/** The queue at `queueUrl`, over an SQS client with the same bounded calls as the other AWS clients. */
export function sqsAlertQueue(queueUrl: string, region: string): SqsAlertQueue {
  return new SqsAlertQueue(boundCalls(new SQSClient({ region, ...awsClientSettings }), 'sqs'), queueUrl);
}
