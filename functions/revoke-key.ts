import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.revokeKey, ({ params, body, caller, services, now }) => services.keys.revoke(caller, params.keyId, body, now));
