import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.revokeAllKeys, ({ body, caller, services, now }) => services.keys.revokeAll(caller, body, now));
