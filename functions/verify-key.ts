import { httpHandler, withHeaders } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.verifyKey, async ({ body, caller, services, now }) => {
  const verdict = await services.keys.verify(caller, body, now);
  return withHeaders(verdict.body, verdict.headers);
});
