import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.keyUsage, ({ params, query, caller, services, now }) =>
  services.analytics.ofKey(caller, params.keyId, query, now),
);
