import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.audit, ({ query, caller, services }) => services.keys.listAudit(caller, query));
