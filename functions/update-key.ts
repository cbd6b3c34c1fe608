import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.updateKey, ({ params, body, caller, services, now }) => services.keys.update(caller, params.keyId, body, now));
