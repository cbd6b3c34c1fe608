import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics, publishMetrics } from '#shared/observability.ts';
import { getAdapters } from '#shared/runtime.ts';
import { noticeExpiringKeys } from '#shared/services/expiry-notices.ts';

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async () => {
    const { store, config } = getAdapters();
    const result = await noticeExpiringKeys(store, new Date(), {
      retentionDays: config.retentionDays,
      auditRetentionDays: config.auditRetentionDays,
    });
    metrics.addMetric('ExpiryNotices', MetricUnit.Count, result.noticed);
    logger.info('expiry notices written', { ...result });
    return result;
  });
