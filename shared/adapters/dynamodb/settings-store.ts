import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SettingsStore } from '../../ports.ts';
import { WriteConflict } from '../../ports.ts';
import { itemKeys, type Table } from './table.ts';

export class DynamoDbSettingsStore implements SettingsStore {
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async get<T>(name: string): Promise<{ value: T; version: number } | undefined> {
    const { Item } = await this.table.db.send(
      new GetCommand({ TableName: this.table.name, Key: itemKeys.setting(name), ConsistentRead: true }),
    );
    return Item ? { value: Item.value as T, version: Item.version as number } : undefined;
  }

  async put<T>(name: string, value: T, expectedVersion: number): Promise<void> {
    try {
      await this.table.db.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...itemKeys.setting(name), entity: 'setting', value, version: expectedVersion + 1 },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
          ...(expectedVersion === 0
            ? {}
            : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new WriteConflict('setting');
      throw error;
    }
  }
}
