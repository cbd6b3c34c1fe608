import type { MiddlewareObj } from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { metricNames } from './limits.ts';

/**
 * One logger and one metrics emitter per process. Log lines carry ids, codes and timings
 * only: no header, body, query string or credential is ever passed to the logger.
 * Traces come from Lambda's and API Gateway's active X-Ray tracing: the Powertools tracer
 * (and the X-Ray SDK under it) would add about 120 KiB and 20 ms to every cold start.
 */
export const logger = new Logger({ serviceName: metricNames.service });
export const metrics = new Metrics({ namespace: metricNames.namespace, serviceName: metricNames.service });

/**
 * Publishes stored EMF metrics after each invocation, failed or not; unlike `logMetrics`,
 * it stays silent on invocations that recorded none (most management calls).
 */
export const publishMetrics = (): MiddlewareObj => {
  const publish = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
};
