import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.regenerateKey, ({ params, body, caller, services, now }) => services.keys.regenerate(caller, params.keyId, body, now));
