import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.whoami, async ({ caller, services, now }) => services.keys.whoami(caller, now));
