import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from 'aws-lambda';
import { logger, metrics, publishMetrics } from '#shared/observability.ts';
import { parseUseLine } from '#shared/adapters/use-lines.ts';
import { getAdapters } from '#shared/runtime.ts';

/**
 * Counts the uses the functions recorded as log lines: the log groups' subscription hands
 * them over in batches. A batch's id is its log group and the ids of its log events, so a
 * delivery retried after a failure is counted once.
 */
export const handler = middy<CloudWatchLogsEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async (event) => {
    const batch = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as CloudWatchLogsDecodedData;
    // CloudWatch Logs checks that it can reach the function with a control message: no uses in it.
    if (batch.messageType !== 'DATA_MESSAGE') return { counted: 0 };
    const uses = batch.logEvents.map((logEvent) => parseUseLine(logEvent.message)).filter((use) => use !== undefined);
    const batchId = createHash('sha256')
      .update(batch.logGroup)
      .update(batch.logEvents.map((logEvent) => logEvent.id).join(','))
      .digest('base64url');
    await getAdapters().store.usage.add(batchId, uses);
    metrics.addMetric('UsesCounted', MetricUnit.Count, uses.length);
    return { counted: uses.length };
  });
