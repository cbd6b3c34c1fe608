import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dependencyLimits } from '../adapters/aws-clients.ts';
import type { DependencyOutage } from '../adapters/dependency-errors.ts';
import { KeywardError } from '../errors.ts';
import { logger, metrics } from '../observability.ts';
import { metricNames } from '../limits.ts';

/**
 * The answer to a request that DynamoDB or KMS could not serve in time: `503
 * service.unavailable` with Retry-After. The cause (dependency, kind, error name) goes to the
 * log and to the `DependencyUnavailable` metric (dimension `dependency`), never to the caller.
 */
export function serviceUnavailable(outage: DependencyOutage, route: string): KeywardError {
  logger.warn('dependency unavailable', { route, dependency: outage.dependency, kind: outage.kind, cause: outage.cause });
  // A metric of its own: the dimension must not attach to the request's other metrics.
  const metric = metrics.singleMetric();
  metric.addDimension('dependency', outage.dependency);
  metric.addMetric(metricNames.dependencyUnavailable, MetricUnit.Count, 1);
  const seconds = dependencyLimits.retryAfterSeconds;
  return new KeywardError(
    'service.unavailable',
    `Keyward cannot reach its storage or key service right now: retry in ${seconds} seconds, as Retry-After says.`,
    {
      headers: { 'retry-after': String(seconds) },
    },
  );
}
