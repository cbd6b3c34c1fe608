import { Duration, Stack } from 'aws-cdk-lib';
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
import type { Dependency } from '../../shared/adapters/dependency-errors.ts';
import { metricNames } from '../../shared/limits.ts';
import type { FunctionName } from '../function-access.ts';
import type { ApiFirewall } from './firewall.ts';

export interface MonitoringProps {
  stage: string;
  /** Subscribed to the alarm topic, if any. */
  alarmEmail?: string | undefined;
  /** A topic of your own that every alarm notifies too, if any. */
  alarmTopicArn?: string | undefined;
  api: apigateway.RestApi;
  /** Alarm when the API's p99 latency stays at or above this. */
  latencyP99Threshold: Duration;
  table: dynamodb.ITableV2;
  functions: Record<FunctionName, lambda.IFunction>;
  /** Per job: a message here is a run that failed for good. */
  deadLetterQueues: Record<string, sqs.IQueue>;
  /** The functions with reserved concurrency, and how much: alarmed as they near it. */
  reservedConcurrency: Partial<Record<FunctionName, number>>;
  /** The web ACL in front of the API, when WAF is on, and how many blocks in 5 minutes are worth an alarm. */
  firewall?: { webAcl: ApiFirewall; blockedRequestsThreshold: number } | undefined;
}

const fiveMinutes = { period: Duration.minutes(5) };

/** Share of a function's reserved concurrency at which it is about to throttle. */
const concurrencyAlarmShare = 0.8;

/**
 * Alarms on what needs a person (5xx rate, p99 latency, an authentication-failure spike, DynamoDB
 * throttles and system errors, failed purges, dead letters, every function's errors and throttles,
 * token functions near their reserved concurrency, firewall blocks), all sent to one SNS topic
 * (and to your own topic, if given), and a dashboard of requests, latency, authentications and function errors.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  private readonly alarmActions: actions.SnsAction[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { stage, api, table, functions } = props;
    // The topic and the dashboard are created beside this construct, under the ids they were first
    // deployed with: a new topic would lose its confirmed subscriptions, a new dashboard clash with its name.
    this.topic = new sns.Topic(scope, 'Alarms', { displayName: `Keyward ${stage} alarms`, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.alarmActions = [new actions.SnsAction(this.topic)];
    if (props.alarmTopicArn) this.alarmActions.push(new actions.SnsAction(sns.Topic.fromTopicArn(this, 'Subscriber', props.alarmTopicArn)));

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
    const threshold = props.latencyP99Threshold.toMilliseconds();
    // Three periods in a row: one cold start in a quiet period is not worth waking anyone.
    this.alarm(
      'api-latency-p99',
      api.metricLatency({ ...fiveMinutes, statistic: 'p99' }),
      threshold,
      `API p99 latency at or above ${threshold} ms for 15 minutes`,
      3,
    );
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
    // Requests answered 503 because a service could not answer in time: SQS and Secrets Manager on GitHub's webhook,
    // whose failed deliveries GitHub does not send again by itself.
    for (const dependency of ['dynamodb', 'kms', 'sqs', 'secretsmanager'] satisfies Dependency[]) {
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
    this.alarm(
      'dynamodb-system-errors',
      table.metricSystemErrorsForOperations({ ...fiveMinutes, operations }),
      1,
      'DynamoDB answered requests with internal server errors',
    );
    const purge = jobs.purgeExpiredKeys.handler;
    this.alarm('purge-failures', functions[purge].metricErrors(fiveMinutes), 1, 'The purge of expired keys failed');
    for (const [name, fn] of Object.entries(functions)) {
      if (name !== purge) this.alarm(`${name}-errors`, fn.metricErrors(fiveMinutes), 1, `functions/${name}.ts failed`);
      this.alarm(`${name}-throttles`, fn.metricThrottles(fiveMinutes), 1, `functions/${name}.ts was throttled`);
    }
    for (const [name, reserved] of Object.entries(props.reservedConcurrency)) {
      this.alarm(
        `${name}-near-reserved-concurrency`,
        functions[name as FunctionName].metric('ConcurrentExecutions', { statistic: 'Maximum', period: Duration.minutes(1) }),
        Math.ceil(reserved * concurrencyAlarmShare),
        `functions/${name}.ts ran at ${concurrencyAlarmShare * 100}% or more of its reserved concurrency (${reserved}): it throttles at 100%`,
      );
    }
    if (props.firewall) {
      const { webAcl, blockedRequestsThreshold } = props.firewall;
      const blocked = new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: { WebACL: webAcl.webAclName, Region: Stack.of(this).region, Rule: 'ALL' },
        statistic: 'Sum',
        ...fiveMinutes,
      });
      this.alarm(
        'waf-blocks',
        blocked,
        blockedRequestsThreshold,
        'The firewall blocked many requests: a flood, or a client stuck retrying',
      );
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

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string, evaluationPeriods = 1): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(...this.alarmActions);
  }
}
