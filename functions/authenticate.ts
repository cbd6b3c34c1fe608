import { httpHandler, withHeaders } from '#shared/http/handler.ts';
import * as route from '#shared/http/route-definitions.ts';
import { exchangeKeyForToken } from '#shared/services/token-exchange.ts';

export const handler = httpHandler(route.authenticate, async ({ body, services, sourceIp, now }) => {
  const { expiresIn, ...credential } = body;
  const credentials =
    credential.apiKey !== undefined
      ? { apiKey: credential.apiKey }
      : { keyId: credential.keyId ?? '', keySecret: credential.keySecret ?? '' };
  const issued = await exchangeKeyForToken(services, credentials, { sourceIp, now, expiresIn });
  const { key } = issued;
  const answer = {
    token: issued.token,
    tokenType: 'Bearer',
    expiresIn: issued.expiresIn,
    expiresAt: issued.expiresAt,
    key: { id: key.keyId, name: key.name, type: key.type, scopes: key.scopes, tenant: key.tenant },
  };
  return withHeaders(answer, issued.headers);
});
