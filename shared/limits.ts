/**
 * Numbers, names and messages that more than one layer states (the handlers, the local server,
 * the stack, the OpenAPI document): each is written here once.
 */

/** Bodies over 16 KiB are refused (413), by the handlers, the local server and the WAF alike. */
export const MAX_BODY_BYTES = 16 * 1024;

export const messages = {
  tooLarge: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB; send less.`,
  internalError: 'Something went wrong on our side: retry, and quote the requestId if it keeps happening.',
} as const;

/** Where the functions publish their EMF metrics, and what the stack's alarms watch. */
export const metricNames = {
  namespace: 'Keyward',
  service: 'keyward',
  authenticationFailure: 'AuthenticationFailure',
  authenticationSuccess: 'AuthenticationSuccess',
  dependencyUnavailable: 'DependencyUnavailable',
} as const;
