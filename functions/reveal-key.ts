import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.revealKey, ({ params, caller, services, now }) => services.keys.reveal(caller, params.keyId, now));
