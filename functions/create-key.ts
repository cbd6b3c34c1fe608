import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';
import type { IssuedKey } from '#shared/services/key-service.ts';

export const handler = httpHandler(
  routes.createKey,
  ({ body, caller, services, now, completion }) => services.keys.create(caller, body, now, completion),
  { replay: (first: IssuedKey, { caller, services, now }) => services.keys.replayCreated(caller, first, now) },
);
