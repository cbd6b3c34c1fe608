import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.listPeople, ({ query, caller, services }) => services.people.list(caller, query));
