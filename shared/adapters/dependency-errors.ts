import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { KMSServiceException } from '@aws-sdk/client-kms';

/** The AWS services Keyward calls: SQS and Secrets Manager only on the GitHub integration's path. */
export type Dependency = 'dynamodb' | 'kms' | 'sqs' | 'secretsmanager';

/**
 * Why a dependency could not answer: it refused the rate, it did not answer in time, it could
 * not be reached, it failed on its side, or another transaction held the item (DynamoDB asks
 * for a retry). Each is worth retrying later; nothing else is.
 */
export type OutageKind = 'throttled' | 'timeout' | 'unreachable' | 'server_error' | 'contention';

export interface DependencyOutage {
  /** `unknown` only for an error no client tagged and no SDK exception class names (a stubbed client). */
  dependency: Dependency | 'unknown';
  kind: OutageKind;
  /** The error's name or socket code: safe to log, never shown to the caller. */
  cause: string;
}

/** The name a call past its time budget fails with (see `boundCalls`). */
export const CALL_BUDGET_EXCEEDED = 'CallBudgetExceeded';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
]);
const TIMEOUTS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', CALL_BUDGET_EXCEEDED]);
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const SERVER_ERRORS = new Set([
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'KeyUnavailableException',
]);
const CONTENTION = new Set(['TransactionConflictException', 'TransactionInProgressException']);
/** Transaction cancellation reasons that are the table's state of the moment, not the request's conditions. */
const CAPACITY_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded']);
const CONTENTION_REASONS = new Set(['TransactionConflict']);

/** What SDK errors carry besides a message (all optional: network errors carry only `code`). */
interface SdkErrorShape {
  name: string;
  code?: unknown;
  cause?: unknown;
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: { Code?: string }[];
}

const dependencyTag = Symbol('keyward.dependency');

/** Marks an error as thrown by a client of `dependency` (done by `boundCalls` for every call). */
export function tagDependency(error: unknown, dependency: Dependency): unknown {
  if (error instanceof Error && !(dependencyTag in error)) Object.defineProperty(error, dependencyTag, { value: dependency });
  return error;
}

function kindOf(error: SdkErrorShape): OutageKind | undefined {
  const status = error.$metadata?.httpStatusCode;
  if (error.$retryable?.throttling === true || THROTTLING.has(error.name) || status === 429) return 'throttled';
  if (TIMEOUTS.has(error.name) || error.code === 'ETIMEDOUT') return 'timeout';
  if (typeof error.code === 'string' && SOCKET_CODES.has(error.code)) return 'unreachable';
  if (SERVER_ERRORS.has(error.name) || error.$fault === 'server' || (status !== undefined && status >= 500)) return 'server_error';
  if (CONTENTION.has(error.name)) return 'contention';
  if (error.name === 'TransactionCanceledException') {
    // A refused condition decides the answer (409 and the like); without one, the reason does.
    const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
    if (codes.includes('ConditionalCheckFailed')) return undefined;
    if (codes.some((code) => CAPACITY_REASONS.has(code))) return 'throttled';
    if (codes.some((code) => CONTENTION_REASONS.has(code))) return 'contention';
  }
  return undefined;
}

function dependencyOf(error: Error): DependencyOutage['dependency'] {
  const tagged = (error as { [dependencyTag]?: Dependency })[dependencyTag];
  if (tagged) return tagged;
  if (error instanceof DynamoDBServiceException) return 'dynamodb';
  if (error instanceof KMSServiceException) return 'kms';
  return 'unknown';
}

/**
 * Whether `error` means DynamoDB or KMS could not answer in time: throttled, timed out,
 * unreachable or failing on its side. Judged from the SDK's own error metadata (name,
 * `$metadata.httpStatusCode`, `$retryable`, `$fault`, socket codes), never from messages.
 * Anything else (a refused condition, a bad request, a bug) is not an outage.
 */
export function dependencyOutageOf(error: unknown, depth = 0): DependencyOutage | undefined {
  if (!(error instanceof Error) || depth > 3) return undefined;
  const shape = error as Error & SdkErrorShape;
  const kind = kindOf(shape);
  if (kind)
    return {
      dependency: dependencyOf(error),
      kind,
      cause: typeof shape.code === 'string' && kind === 'unreachable' ? shape.code : error.name,
    };
  return shape.cause === undefined ? undefined : dependencyOutageOf(shape.cause, depth + 1);
}
