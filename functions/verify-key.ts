import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.verifyKey, ({ body, caller, services, now }) => services.keys.verify(caller, body, now));
