import { Aws, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { KeyTable } from './data.ts';

export interface AuditEventsProps {
  stage: string;
  table: KeyTable;
  tableKey: kms.IKey;
  /** Turns stream records into audit events (functions/shape-audit-events.ts). */
  shaper: NodejsFunction;
}

/** Only new audit items become events: a counted failure is one event, however often it is counted. */
export const auditStreamFilter = { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['audit'] } } } };

/**
 * Every audit event, published to the stack's event bus (`source: "keyward"`, `detail-type`
 * the action, `detail` the event) from the table's stream through an EventBridge Pipe: no
 * publish call on the request path, and nothing lost if a function dies after its write.
 * Records the pipe cannot deliver after its retries go to a dead-letter queue.
 */
export class AuditEvents extends Construct {
  readonly bus: events.EventBus;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, { stage, table, tableKey, shaper }: AuditEventsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `keyward-${stage}` });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    const streamArn = table.tableStreamArn;
    if (!streamArn) throw new Error('the key table has no stream');

    const role = new iam.Role(this, 'PipeRole', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com'),
      description: `Keyward ${stage}: the events pipe, and only it`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [streamArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [tableKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    shaper.grantInvoke(role);
    this.bus.grantPutEventsTo(role);
    this.deadLetterQueue.grantSendMessages(role);

    new pipes.CfnPipe(this, 'Pipe', {
      description: `Keyward ${stage}: audit events from the table's stream to the event bus`,
      roleArn: role.roleArn,
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          startingPosition: 'TRIM_HORIZON',
          batchSize: 10,
          maximumRetryAttempts: 10,
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(auditStreamFilter) }] },
      },
      enrichment: shaper.functionArn,
      target: this.bus.eventBusArn,
      targetParameters: { eventBridgeEventBusParameters: { source: 'keyward', detailType: '$.action' } },
    });
  }
}
