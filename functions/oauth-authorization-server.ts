import { getConfig } from '#shared/config.ts';
import { discoveryDocument } from '#shared/http/discovery.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.oauthAuthorizationServer, async () => discoveryDocument(getConfig().issuer));
