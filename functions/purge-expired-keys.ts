import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics, publishMetrics } from '#shared/observability.ts';
import { getAdapters } from '#shared/runtime.ts';
import { purgeDueKeys } from '#shared/services/purge.ts';

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async () => {
    const { store, config } = getAdapters();
    const result = await purgeDueKeys(store, new Date(), { auditRetentionDays: config.auditRetentionDays });
    metrics.addMetric('KeysPurged', MetricUnit.Count, result.purged);
    logger.info('purge finished', { ...result });
    return result;
  });
