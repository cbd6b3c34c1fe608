import type { MiddlewareObj } from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One logger, metrics and tracer per process. Log lines carry ids, codes and timings only:
 * no header, body, query string or credential is ever passed to the logger.
 */
export const logger = new Logger({ serviceName: 'keyward' });
export const metrics = new Metrics({ namespace: 'Keyward', serviceName: 'keyward' });
export const tracer = new Tracer({ serviceName: 'keyward' });

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
