import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.revokeAllKeys, ({ body, caller, services, now }) => services.keys.revokeAll(caller, body, now));
