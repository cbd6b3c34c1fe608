import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.getKey, ({ params, caller, services, now }) => services.keys.get(caller, params.keyId, now));
