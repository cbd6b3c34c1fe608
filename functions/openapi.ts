import { getConfig } from '#shared/config.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';
import { openApiDocument } from '#shared/http/openapi.ts';

export const handler = httpHandler(routes.openApi, async () => openApiDocument(getConfig().issuer));
