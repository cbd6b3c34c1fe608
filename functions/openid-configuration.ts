import { getConfig } from '#shared/config.ts';
import { discoveryDocument } from '#shared/http/discovery.ts';
import { documentHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';

export const handler = documentHandler(route.openIdConfiguration, async () => discoveryDocument(getConfig().issuer));
