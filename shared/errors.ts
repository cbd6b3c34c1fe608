/**
 * The closed set of error codes the API answers with, and the HTTP status of each
 * (`request.throttled` and `request.blocked` come from API Gateway, WAF and the local server's per-IP limits, not from handlers).
 * Every deliberate failure is a `KeywardError` with one of these codes; anything else
 * becomes `internal.error` without detail.
 */
export const errorStatus = {
  'request.invalid': 400,
  'request.malformed_json': 400,
  'request.invalid_cursor': 400,
  'request.invalid_scope': 400,
  'request.ambiguous_credentials': 400,
  'request.too_large': 413,
  'request.unsupported_media_type': 415,
  'request.idempotency_in_progress': 409,
  'request.idempotency_mismatch': 422,
  'request.idempotency_stale': 409,
  'request.throttled': 429,
  'request.blocked': 403,
  'route.not_found': 404,
  'route.method_not_allowed': 405,
  'auth.missing_credentials': 401,
  'auth.invalid_token': 401,
  'auth.token_expired': 401,
  'auth.forbidden': 403,
  'auth.superseded_secret': 403,
  'authentication.invalid_api_key': 401,
  'authentication.key_disabled': 401,
  'authentication.key_revoked': 401,
  'authentication.key_expired': 401,
  'authentication.token_superseded': 401,
  'authentication.ip_not_allowed': 403,
  'authentication.rate_limited': 429,
  'authentication.usage_exceeded': 429,
  'policy.violation': 400,
  'policy.system_key_disabled': 403,
  'webhook.invalid_signature': 401,
  'key.not_found': 404,
  'person.not_found': 404,
  'key.protected': 403,
  'key.not_editable': 409,
  'key.conflict': 409,
  'key.not_recoverable': 409,
  'tenant.exists': 409,
  'service.not_initialised': 503,
  'service.unavailable': 503,
  'internal.error': 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** The RFC 6749 5.2 error codes this service answers with. */
export const oauthErrorCodes = [
  'invalid_request',
  'invalid_client',
  'invalid_scope',
  'invalid_target',
  'unsupported_grant_type',
  'server_error',
] as const;
export type OAuthErrorCode = (typeof oauthErrorCodes)[number];

/** The same error with more response headers. */
export const withErrorHeaders = (error: KeywardError, headers: Record<string, string>) =>
  new KeywardError(error.code, error.message, {
    ...(error.details ? { details: error.details } : {}),
    headers: { ...error.headers, ...headers },
    ...(error.oauthError ? { oauthError: error.oauthError } : {}),
  });

export interface ErrorDetail {
  path: string;
  message: string;
}

/** A deliberate, client-facing failure: its code, message and details are safe to show. */
export class KeywardError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string> | undefined;
  /** The RFC 6749 error to answer on OAuth routes, when the default mapping is not right. */
  readonly oauthError: OAuthErrorCode | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorDetail[]; headers?: Record<string, string>; oauthError?: OAuthErrorCode } = {},
  ) {
    super(message);
    this.name = 'KeywardError';
    this.code = code;
    this.status = errorStatus[code];
    this.details = options.details;
    this.headers = options.headers;
    this.oauthError = options.oauthError;
  }
}

/** The one message for every unknown, mistyped or invented key, so nobody learns which keys exist. */
export const invalidApiKey = () =>
  new KeywardError(
    'authentication.invalid_api_key',
    'The API key is not valid: check that it was copied whole, or ask an admin for a new one.',
  );

export const keyNotFound = (keyId: string) => new KeywardError('key.not_found', `No key with id '${keyId}' exists in your tenant.`);
