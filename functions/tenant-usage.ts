import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.tenantUsage, ({ query, caller, services, now }) =>
  services.analytics.ofTenant(caller, query, now),
);
