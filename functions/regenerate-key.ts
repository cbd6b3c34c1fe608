import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.regenerateKey, ({ params, body, caller, services, now }) =>
  services.keys.regenerate(caller, params.keyId, body, now),
);
