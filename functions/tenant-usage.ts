import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.tenantUsage, ({ query, caller, services, now }) => services.analytics.ofTenant(caller, query, now));
