import { httpHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = httpHandler(route.audit, ({ query, caller, services }) => services.keys.listAudit(caller, query));
