import { describe, expect, it } from 'vitest';
import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { DependencyTimeoutException, KMSInternalException, KMSServiceException, KeyUnavailableException } from '@aws-sdk/client-kms';
import { dependencyOutageOf, tagDependency } from '#shared/adapters/dependency-errors.ts';

const $metadata = (httpStatusCode?: number) => ({ $metadata: httpStatusCode === undefined ? {} : { httpStatusCode } });
const socket = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', ...$metadata(400), CancellationReasons: codes.map((Code) => ({ Code })) });

describe('which errors are a dependency not answering in time', () => {
  it.each([
    [
      'DynamoDB throttling',
      new ProvisionedThroughputExceededException({ message: 'm', ...$metadata(400) }),
      { dependency: 'dynamodb', kind: 'throttled' },
    ],
    [
      'any error the SDK marks as throttling',
      Object.assign(new DynamoDBServiceException({ name: 'SomethingNew', $fault: 'client', message: 'm', ...$metadata(400) }), {
        $retryable: { throttling: true },
      }),
      { kind: 'throttled' },
    ],
    [
      'KMS throttling (unmodelled)',
      new KMSServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'm', ...$metadata(400) }),
      { dependency: 'kms', kind: 'throttled' },
    ],
    [
      'HTTP 429',
      new DynamoDBServiceException({ name: 'Whatever', $fault: 'client', message: 'm', ...$metadata(429) }),
      { kind: 'throttled' },
    ],
    ['a DynamoDB 500', new InternalServerError({ message: 'm', ...$metadata(500) }), { dependency: 'dynamodb', kind: 'server_error' }],
    [
      'a bare 503',
      new DynamoDBServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'm', ...$metadata(503) }),
      { kind: 'server_error' },
    ],
    ['KMSInternalException', new KMSInternalException({ message: 'm', ...$metadata(500) }), { dependency: 'kms', kind: 'server_error' }],
    [
      'DependencyTimeoutException',
      new DependencyTimeoutException({ message: 'm', ...$metadata(503) }),
      { dependency: 'kms', kind: 'server_error' },
    ],
    [
      'KeyUnavailableException',
      new KeyUnavailableException({ message: 'm', ...$metadata(500) }),
      { dependency: 'kms', kind: 'server_error' },
    ],
    ['a request timeout', Object.assign(new Error('requestTimeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' }), { kind: 'timeout' }],
    ['a connect timeout', Object.assign(new Error('connectionTimeout'), { name: 'TimeoutError' }), { kind: 'timeout' }],
    ['the call budget', Object.assign(new Error('budget'), { name: 'CallBudgetExceeded' }), { kind: 'timeout' }],
    ['ECONNREFUSED', socket('ECONNREFUSED'), { kind: 'unreachable', cause: 'ECONNREFUSED' }],
    ['ECONNRESET', socket('ECONNRESET'), { kind: 'unreachable', cause: 'ECONNRESET' }],
    ['EPIPE', socket('EPIPE'), { kind: 'unreachable', cause: 'EPIPE' }],
    ['ENOTFOUND', socket('ENOTFOUND'), { kind: 'unreachable' }],
    ['a transaction cancelled for capacity', cancelled('None', 'ThrottlingError'), { kind: 'throttled' }],
    ['a transaction cancelled by another transaction', cancelled('TransactionConflict', 'None'), { kind: 'contention' }],
    [
      'a write refused while a transaction holds the item',
      new TransactionConflictException({ message: 'm', ...$metadata(400) }),
      { kind: 'contention' },
    ],
    ['an outage wrapped as a cause', new Error('wrapped', { cause: socket('ECONNRESET') }), { kind: 'unreachable' }],
  ])('%s', (_, error, expected) => {
    expect(dependencyOutageOf(error)).toMatchObject(expected);
  });

  it.each([
    ['a refused condition', new ConditionalCheckFailedException({ message: 'm', ...$metadata(400) })],
    ['a transaction refused by a condition, whatever else', cancelled('ConditionalCheckFailed', 'ThrottlingError')],
    [
      'a validation error',
      new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', message: 'm', ...$metadata(400) }),
    ],
    ['a KMS refusal', new KMSServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'm', ...$metadata(400) })],
    ['a plain error', new Error('ProvisionedThroughputExceededException, ECONNREFUSED, timeout')],
    ['not an error', 'TimeoutError'],
  ])('not %s', (_, error) => {
    expect(dependencyOutageOf(error)).toBeUndefined();
  });

  it('names the dependency from the client that threw, then from the exception class, else unknown', () => {
    expect(dependencyOutageOf(tagDependency(socket('ECONNREFUSED'), 'kms'))?.dependency).toBe('kms');
    expect(dependencyOutageOf(new InternalServerError({ message: 'm', ...$metadata(500) }))?.dependency).toBe('dynamodb');
    expect(dependencyOutageOf(socket('ECONNREFUSED'))?.dependency).toBe('unknown');
  });
});
