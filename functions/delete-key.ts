import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.deleteKey, ({ params, caller, services, now }) => services.keys.delete(caller, params.keyId, now));
