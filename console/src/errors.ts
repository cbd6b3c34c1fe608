import { ApiError } from './api.ts';
import { InputError } from './usage.ts';

/** Each API error code as a sentence for people; the code stays visible beside it. */
const plain: Record<string, string> = {
  'request.invalid': 'Some of what was entered is not accepted.',
  'request.malformed_json': 'The console sent a request the API could not read.',
  'request.invalid_cursor': 'That page of results is no longer available; start from the first page.',
  'request.invalid_scope': 'One of the scopes asked for is not held by this key.',
  'request.too_large': 'The request is too large.',
  'request.unsupported_media_type': 'The console sent a request in a format the API does not take.',
  'request.idempotency_in_progress': 'The same request is still running; wait a moment.',
  'request.idempotency_mismatch': 'A different request was already sent with the same idempotency key.',
  'request.idempotency_stale': 'The earlier identical request expired; send it again.',
  'request.throttled': 'Too many requests right now; wait a moment and try again.',
  'request.blocked': 'The request was blocked by the service’s protection rules.',
  'route.not_found': 'The API does not know this address.',
  'route.method_not_allowed': 'The API does not allow this action here.',
  'auth.missing_credentials': 'You are not signed in.',
  'auth.invalid_token': 'Your sign-in is not valid any more; sign in again.',
  'auth.token_expired': 'Your session expired; sign in again.',
  'auth.forbidden': 'Your key is not allowed to do this.',
  'auth.superseded_secret': 'This key’s old secret may not do this; sign in with its new secret.',
  'authentication.invalid_api_key': 'That API key is not valid.',
  'authentication.key_disabled': 'That API key is disabled.',
  'authentication.key_revoked': 'That API key was revoked.',
  'authentication.key_expired': 'That API key has expired.',
  'authentication.token_superseded': 'That key was regenerated; use its new secret.',
  'authentication.ip_not_allowed': 'That API key may not be used from your address.',
  'authentication.rate_limited': 'That API key hit its rate limit; wait for the window to reset.',
  'authentication.usage_exceeded': 'That API key has no credits left.',
  'policy.violation': 'The tenant policy does not allow this.',
  'key.not_found': 'There is no such key (it may have been deleted).',
  'key.protected': 'The system key is protected: it cannot be disabled, revoked or deleted.',
  'key.not_editable': 'This key can no longer be changed.',
  'key.conflict': 'The key changed meanwhile; reload and try again.',
  'key.not_recoverable': 'This key’s secret cannot be revealed.',
  'tenant.exists': 'That tenant already exists.',
  'service.not_initialised': 'Keyward is not set up yet.',
  'service.unavailable': 'Keyward is unavailable right now; try again shortly.',
  'internal.error': 'Something went wrong in Keyward; try again.',
};

/**
 * "That API key is disabled. The key is disabled (authentication.key_disabled)": the sentence, the API's own message when
 * it adds something, and the code.
 */
function describeError(code: string | undefined, message: string): string {
  const sentence = code ? plain[code] : undefined;
  if (!sentence) return code ? `${message} (${code})` : message;
  const extra = message && message.toLowerCase() !== sentence.toLowerCase() ? ` ${message.replace(/\.?$/, '.')}` : '';
  return `${sentence}${extra} (${code})`;
}

/** What went wrong, for people: the API's error explained, a form's own refusal, or a plea to reload for anything else. */
export const messageOf = (error: unknown) =>
  error instanceof ApiError
    ? describeError(error.code, error.message)
    : error instanceof InputError
      ? error.message
      : 'Something went wrong in the console; reload the page and try again.';
