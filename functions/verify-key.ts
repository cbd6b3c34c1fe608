import { httpHandler, withHeaders } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.verifyKey, async ({ body, caller, services, now }) => {
  const verdict = await services.keys.verify(caller, body, now);
  return withHeaders(verdict.body, verdict.headers);
});
