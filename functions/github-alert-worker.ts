import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { logger, publishMetrics } from '#shared/observability.ts';
import { getGithubAlerts } from '#shared/runtime.ts';

const positive = () => z.number().check(z.int(), z.positive());
const jobSchema = z.object({
  deliveryId: z.string(),
  installationId: positive(),
  repository: z.string().check(z.regex(/^[\w.-]+\/[\w.-]+$/)),
  alertNumber: positive(),
});

/**
 * The secret-scanning worker behind the alert queue: one job per message. A message that fails
 * is reported back alone (a partial batch response), so SQS retries it after its visibility
 * timeout and moves it to the dead-letter queue after the last receive; the others are done.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async (event) => {
    const alerts = await getGithubAlerts();
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        await alerts.handle(jobSchema.parse(JSON.parse(record.body)), new Date());
      } catch (error) {
        // Worker errors name the call and its status only; a parse error quotes no secret (jobs hold none).
        logger.warn('github alert failed', {
          messageId: record.messageId,
          reason: error instanceof Error ? error.message : 'unknown error',
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
