import { KeywardError } from '#shared/errors.ts';
import { httpHandler, withHeaders } from '#shared/http/handler.ts';
import { routes } from '#shared/http/routes.ts';

export const handler = httpHandler(routes.createKey, async ({ body, caller, services, headers, now }) => {
  const idempotencyKey = headers['idempotency-key'];
  if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
    throw new KeywardError('request.invalid', 'The Idempotency-Key header must be 1-255 visible ASCII characters, such as a UUID.');
  }
  const { replayed, ...issued } = await services.keys.create(caller, body, now, idempotencyKey);
  return replayed ? withHeaders(issued, { 'idempotent-replayed': 'true' }) : issued;
});
