import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.updateKey, ({ params, body, caller, services, now }) =>
  services.keys.update(caller, params.keyId, body, now),
);
