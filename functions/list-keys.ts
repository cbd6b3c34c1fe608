import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.listKeys, ({ query, caller, services, now }) => services.keys.list(caller, query, now));
