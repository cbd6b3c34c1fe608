import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.putTenantPolicy, ({ body, caller, services, now }) => services.tenants.putPolicy(caller, body, now));
