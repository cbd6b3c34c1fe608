import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.signOutPerson, ({ params, caller, services, now }) =>
  services.people.signOut(caller, params.personId, now),
);
