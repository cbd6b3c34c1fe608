import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.getKey, ({ params, caller, services, now }) => services.keys.get(caller, params.keyId, now));
