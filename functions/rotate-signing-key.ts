import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from '#shared/observability.ts';
import { getAdapters } from '#shared/runtime.ts';
import { rotateSigningKey } from '#shared/services/token-service.ts';

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const { store, cipher, config } = getAdapters();
    const kid = await rotateSigningKey(store.settings, cipher, new Date(), config.signingKeyActivationSeconds);
    logger.info(kid ? 'signing key rotated' : 'signing key rotation lost a race; the other rotation stands', { kid });
    return { kid: kid ?? null };
  });
