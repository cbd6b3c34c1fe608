import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { jobs } from '../../shared/http/routes.ts';
import type { FunctionName } from '../function-access.ts';
import type { StageConfig } from '../stages.ts';

type JobName = (typeof jobs)[keyof typeof jobs]['handler'];

export interface JobSchedulesProps {
  config: Pick<StageConfig, 'purgeSchedule' | 'signingKeyRotationSchedule'>;
  functions: Record<FunctionName, lambda.IFunction>;
}

/**
 * EventBridge Scheduler runs each job of shared/http/routes.ts (`jobs`) at its stage's rate,
 * retrying twice within an hour; a run that still fails lands in the job's dead-letter queue.
 */
export class JobSchedules extends Construct {
  /** Per job: its failed runs, to alarm on. */
  readonly deadLetterQueues: Record<JobName, sqs.Queue>;

  constructor(scope: Construct, id: string, { config, functions }: JobSchedulesProps) {
    super(scope, id);
    const every = {
      [jobs.purgeExpiredKeys.handler]: config.purgeSchedule,
      [jobs.rotateSigningKey.handler]: config.signingKeyRotationSchedule,
      // Daily: a key gets its notices a week and a day ahead, each once, whichever run sees it first.
      [jobs.notifyExpiringKeys.handler]: Duration.days(1),
    } satisfies Record<JobName, Duration>;
    const queues: Partial<Record<JobName, sqs.Queue>> = {};
    for (const { handler: name } of Object.values(jobs)) {
      const deadLetterQueue = new sqs.Queue(this, `${name}-dlq`, {
        enforceSSL: true,
        encryption: sqs.QueueEncryption.KMS_MANAGED,
        retentionPeriod: Duration.days(14),
      });
      new scheduler.Schedule(this, `${name}-schedule`, {
        schedule: scheduler.ScheduleExpression.rate(every[name]),
        description: `Keyward: ${name}`,
        target: new targets.LambdaInvoke(functions[name], { deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      });
      queues[name] = deadLetterQueue;
    }
    this.deadLetterQueues = queues as Record<JobName, sqs.Queue>;
  }
}
