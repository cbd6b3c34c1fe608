import { KeywardError } from '#shared/errors.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { RateLimiter } from '#shared/http/rate-limiter.ts';
import * as route from '#shared/http/route-definitions.ts';

/** Reports per source address per minute, per function instance (the WAF rule bounds them across instances). */
const REPORTS_PER_MINUTE = 10;
const perAddress = new RateLimiter(REPORTS_PER_MINUTE);
/** No report is answered sooner: dealing with a valid key (its writes) must not show in the answer's timing either. */
export const REPORT_ANSWER_FLOOR_MS = 100;

export const handler = httpHandler(route.reportLeak, async ({ body, services, sourceIp, now }) => {
  const wait = perAddress.take(sourceIp ?? '-');
  if (wait !== undefined)
    throw new KeywardError('request.throttled', `Too many reports from your address: wait ${wait} s, as Retry-After says.`, {
      headers: { 'retry-after': String(wait) },
    });
  // The same answer, at the same time, whatever the key: valid, revoked, unknown or not a key at all.
  const floor = new Promise((done) => setTimeout(done, REPORT_ANSWER_FLOOR_MS));
  try {
    await services.leaks.handle({ apiKey: body.apiKey, via: 'report', source: body.source ?? null, url: body.url ?? null }, now);
  } finally {
    await floor;
  }
  return { received: true as const };
});
