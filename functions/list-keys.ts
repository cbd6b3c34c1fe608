import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.listKeys, ({ query, caller, services, now }) => services.keys.list(caller, query, now));
