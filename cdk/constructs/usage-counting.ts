import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as logsDestinations from 'aws-cdk-lib/aws-logs-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { USE_LINE_KIND } from '../../shared/adapters/use-lines.ts';
import { functionAccess, functionNames, type FunctionName } from '../function-access.ts';

export interface UsageCountingProps {
  functions: Record<FunctionName, lambda.IFunction>;
  logGroups: Record<FunctionName, logs.ILogGroup>;
}

/**
 * Usage analytics off the request path: every function that judges keys writes each use as a
 * log line; a subscription on its log group hands those lines to `count-uses` in batches,
 * which adds each batch to the counters once. A batch it still cannot count after two retries
 * goes, whole, to a dead-letter queue (alarmed), from which it can be sent to `count-uses` again.
 */
export class UsageCounting extends Construct {
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, { functions, logGroups }: UsageCountingProps) {
    super(scope, id);
    const counter = functions['count-uses'];
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    new lambda.EventInvokeConfig(this, 'Retries', {
      function: counter,
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
    const destination = new logsDestinations.LambdaDestination(counter);
    // Only a function that can open the pepper can judge a key's secret, and so record a use.
    for (const name of functionNames.filter((name) => functionAccess[name].decrypt.includes('pepper'))) {
      new logs.SubscriptionFilter(this, `${name}-uses`, {
        logGroup: logGroups[name],
        destination,
        filterPattern: logs.FilterPattern.stringValue('$.kind', '=', USE_LINE_KIND),
      });
    }
  }
}
