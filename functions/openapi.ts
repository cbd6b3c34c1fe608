import { getConfig } from '#shared/config.ts';
import { documentHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';
import { openApiDocument } from '#shared/http/openapi.ts';

export const handler = documentHandler(route.openApi, async () => openApiDocument(getConfig().issuer));
