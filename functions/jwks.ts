import { documentHandler } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';
import { getTokenService } from '#shared/runtime.ts';

export const handler = documentHandler(route.jwks, () => getTokenService().jwks());
