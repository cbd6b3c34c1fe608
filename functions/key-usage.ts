import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.keyUsage, ({ params, query, caller, services, now }) => services.analytics.ofKey(caller, params.keyId, query, now));
