import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.deleteKey, ({ params, caller, services, now }) => services.keys.delete(caller, params.keyId, now));
