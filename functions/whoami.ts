import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.whoami, async ({ caller, services, now }) => services.keys.whoami(caller, now));
