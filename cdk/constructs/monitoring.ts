import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { jobs } from '../../shared/http/routes.ts';
import { metricNames } from '../../shared/limits.ts';
import type { FunctionName } from '../function-access.ts';

export interface MonitoringProps {
  stage: string;
  /** Subscribed to the alarm topic, if any. */
  alarmEmail?: string | undefined;
  api: apigateway.RestApi;
  table: dynamodb.ITableV2;
  functions: Record<FunctionName, lambda.IFunction>;
  /** Per job: a message here is a run that failed for good. */
  deadLetterQueues: Record<string, sqs.IQueue>;
}

const fiveMinutes = { period: Duration.minutes(5) };

/**
 * Alarms on what needs a person (5xx rate, an authentication-failure spike, DynamoDB throttles,
 * failed purges, dead letters, every function's errors and throttles), all sent to one SNS
 * topic, and a dashboard of requests, latency, authentications and function errors.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { stage, api, table, functions } = props;
    // The topic and the dashboard are created beside this construct, under the ids they were first
    // deployed with: a new topic would lose its confirmed subscriptions, a new dashboard clash with its name.
    this.topic = new sns.Topic(scope, 'Alarms', { displayName: `Keyward ${stage} alarms`, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(
        `${name}-dead-letters`,
        queue.metricApproximateNumberOfMessagesVisible(fiveMinutes),
        1,
        `${name} could not be run: see its dead-letter queue`,
      );
    }
    const serverErrorRate = new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: {
        errors: api.metricServerError({ ...fiveMinutes, statistic: 'Sum' }),
        requests: api.metricCount({ ...fiveMinutes, statistic: 'Sum' }),
      },
      label: '5xx %',
      ...fiveMinutes,
    });
    this.alarm('api-5xx-rate', serverErrorRate, 1, 'More than 1% of API requests answered 5xx');
    const authentications = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: metricNames.namespace,
        metricName,
        dimensionsMap: { service: metricNames.service },
        statistic: 'Sum',
        ...fiveMinutes,
      });
    const authenticationFailures = authentications(metricNames.authenticationFailure);
    this.alarm(
      'authentication-failure-spike',
      authenticationFailures,
      500,
      'A spike of failed authentications: someone may be guessing keys',
    );
    // Requests answered 503 because DynamoDB or KMS could not answer in time.
    for (const dependency of ['dynamodb', 'kms']) {
      const unavailable = new cloudwatch.Metric({
        namespace: metricNames.namespace,
        metricName: metricNames.dependencyUnavailable,
        dimensionsMap: { service: metricNames.service, dependency },
        statistic: 'Sum',
        ...fiveMinutes,
      });
      this.alarm(`${dependency}-unavailable`, unavailable, 1, `Requests answered 503: ${dependency} could not answer in time`);
    }
    const operations = [
      dynamodb.Operation.GET_ITEM,
      dynamodb.Operation.QUERY,
      dynamodb.Operation.TRANSACT_WRITE_ITEMS,
      dynamodb.Operation.UPDATE_ITEM,
      dynamodb.Operation.PUT_ITEM,
      dynamodb.Operation.DELETE_ITEM,
    ];
    this.alarm(
      'dynamodb-throttles',
      table.metricThrottledRequestsForOperations({ ...fiveMinutes, operations }),
      1,
      'DynamoDB throttled requests',
    );
    const purge = jobs.purgeExpiredKeys.handler;
    this.alarm('purge-failures', functions[purge].metricErrors(fiveMinutes), 1, 'The purge of expired keys failed');
    for (const [name, fn] of Object.entries(functions)) {
      if (name !== purge) this.alarm(`${name}-errors`, fn.metricErrors(fiveMinutes), 1, `functions/${name}.ts failed`);
      this.alarm(`${name}-throttles`, fn.metricThrottles(fiveMinutes), 1, `functions/${name}.ts was throttled`);
    }

    const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { dashboardName: `keyward-${stage}` });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Requests and errors',
        left: [api.metricCount(fiveMinutes), api.metricClientError(fiveMinutes), api.metricServerError(fiveMinutes)],
      }),
      new cloudwatch.GraphWidget({
        title: 'Latency (p50, p99)',
        left: [api.metricLatency({ ...fiveMinutes, statistic: 'p50' }), api.metricLatency({ ...fiveMinutes, statistic: 'p99' })],
      }),
      new cloudwatch.GraphWidget({ title: 'Authentications', left: [authenticationFailures, authentications('AuthenticationSuccess')] }),
      new cloudwatch.GraphWidget({ title: 'Function errors', left: Object.values(functions).map((fn) => fn.metricErrors(fiveMinutes)) }),
    );
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
  }
}
