import { httpHandler } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';
import { getTokenService } from '#shared/runtime.ts';

export const handler = httpHandler(routes.jwks, () => getTokenService().jwks());
