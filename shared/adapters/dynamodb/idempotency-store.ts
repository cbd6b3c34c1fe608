import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { IdempotencyRecord, IdempotencyStore } from '../../ports.ts';
import { epochSeconds, itemKeys, type Table } from './table.ts';

export class DynamoDbIdempotencyStore implements IdempotencyStore {
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async claim(record: IdempotencyRecord, now: Date): Promise<IdempotencyRecord | undefined> {
    // When an attempt lands but its answer is lost, the SDK sends it again and the retry finds
    // the claim standing: its token tells that the claim is this request's own.
    const claimToken = randomUUID();
    try {
      await this.table.db.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...itemKeys.idempotency(record.id), entity: 'idempotency', ...record, claimToken, ttl: epochSeconds(record.expiresAt) },
          // Free, expired, or claimed by an invocation that ran out of time without finishing.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR (#state = :inProgress AND inProgressUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':now': now.toISOString(), ':inProgress': 'in_progress' },
          // The claim that stands comes back with the refusal: no second read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || !error.Item) throw error;
      const item = unmarshall(error.Item);
      if (item.claimToken === claimToken) return undefined;
      return {
        id: item.id,
        requestHash: item.requestHash,
        state: item.state,
        sealedResponse: item.sealedResponse,
        inProgressUntil: item.inProgressUntil ?? item.expiresAt,
        expiresAt: item.expiresAt,
      };
    }
  }

  async complete(id: string, sealedResponse: string): Promise<void> {
    await this.table.db.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: itemKeys.idempotency(id),
        UpdateExpression: 'SET #state = :completed, sealedResponse = :response',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':completed': 'completed', ':response': sealedResponse },
      }),
    );
  }

  async release(id: string): Promise<void> {
    try {
      // Only a claim still in progress: an answer stored by a transaction that did land stays to be replayed.
      await this.table.db.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: itemKeys.idempotency(id),
          ConditionExpression: '#state = :inProgress',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':inProgress': 'in_progress' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
