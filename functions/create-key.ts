import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';
import type { IssuedKey } from '#shared/services/key-service.ts';

export const handler = httpHandler(
  route.createKey,
  ({ body, caller, services, now, completion }) => services.keys.create(caller, body, now, completion),
  { replay: (first: IssuedKey, { caller, services, now }) => services.keys.replayCreated(caller, first, now) },
);
