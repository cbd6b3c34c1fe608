import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.putTenantPolicy, ({ body, caller, services, now }) =>
  services.tenants.putPolicy(caller, body, now),
);
