import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.getTenantPolicy, ({ caller, services }) => services.tenants.getPolicy(caller));
