import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.revealKey, ({ params, caller, services, now }) => services.keys.reveal(caller, params.keyId, now));
