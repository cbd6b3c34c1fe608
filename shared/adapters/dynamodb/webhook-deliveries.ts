import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookDeliveries } from '../../ports.ts';
import { epochSeconds, type Table } from './table.ts';

/** GitHub redelivers on request for days: a delivery id is remembered a week, then TTL removes it. */
const REMEMBERED_DAYS = 7;

const deliveryKey = (deliveryId: string) => ({ pk: `DELIVERY#${deliveryId}`, sk: 'DELIVERY' });

export class DynamoDbWebhookDeliveries implements WebhookDeliveries {
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async claim(deliveryId: string, now: Date): Promise<boolean> {
    const forgetAt = new Date(now.getTime() + REMEMBERED_DAYS * 86_400_000).toISOString();
    try {
      await this.table.db.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...deliveryKey(deliveryId), entity: 'delivery', receivedAt: now.toISOString(), ttl: epochSeconds(forgetAt) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(deliveryId: string): Promise<void> {
    await this.table.db.send(new DeleteCommand({ TableName: this.table.name, Key: deliveryKey(deliveryId) }));
  }
}
