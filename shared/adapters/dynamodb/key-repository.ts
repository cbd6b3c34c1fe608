import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { KeyFilter, KeyRecord, KeyRepository, Page, PageKey } from '../../ports.ts';
import { keyFilterExpression, tenantKeysPartition, toKeyRecord } from './key-items.ts';
import { byPurgeTime, byTenant, itemKeys, type Table } from './table.ts';

/** A filtered list reads at most this many pages before answering with a cursor. */
const MAX_PAGES_PER_LIST = 10;

export class DynamoDbKeyRepository implements KeyRepository {
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async get(keyId: string): Promise<KeyRecord | undefined> {
    const { Item } = await this.table.db.send(new GetCommand({ TableName: this.table.name, Key: itemKeys.key(keyId), ConsistentRead: true }));
    return Item ? toKeyRecord(Item) : undefined;
  }

  async list(tenant: string, options: { limit: number; startKey?: PageKey | undefined; filter: KeyFilter; order: 'desc' | 'asc'; now: Date }): Promise<Page<KeyRecord>> {
    const base: QueryCommandInput = {
      TableName: this.table.name,
      IndexName: byTenant.name,
      KeyConditionExpression: '#gpk = :gpk',
      ScanIndexForward: options.order === 'asc',
      ...keyFilterExpression(options.filter, options.now),
    };
    base.ExpressionAttributeNames = { ...base.ExpressionAttributeNames, '#gpk': byTenant.partitionKey };
    base.ExpressionAttributeValues = { ...base.ExpressionAttributeValues, ':gpk': tenantKeysPartition(tenant) };
    const items: KeyRecord[] = [];
    let startKey = options.startKey;
    // Limit counts items read before the filter, so asking for only what is still missing
    // means a page never holds more matches than fit, and LastEvaluatedKey is the exact resume point.
    for (let page = 0; page < MAX_PAGES_PER_LIST && items.length < options.limit; page++) {
      const result = await this.table.db.send(new QueryCommand({ ...base, Limit: options.limit - items.length, ExclusiveStartKey: startKey }));
      items.push(...(result.Items ?? []).map(toKeyRecord));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { items, nextKey: startKey };
  }

  async listPurgeDue(now: Date, options: { limit: number; startKey?: PageKey | undefined }) {
    const result = await this.table.db.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: byPurgeTime.name,
        KeyConditionExpression: '#ppk = :ppk AND #psk <= :now',
        ExpressionAttributeNames: { '#ppk': byPurgeTime.partitionKey, '#psk': byPurgeTime.sortKey },
        ExpressionAttributeValues: { ':ppk': 'PURGE', ':now': now.toISOString() },
        Limit: options.limit,
        ExclusiveStartKey: options.startKey,
      }),
    );
    const items = (result.Items ?? []).map((item) => ({ keyId: item.keyId as string, tenant: item.tenant as string, purgeAt: item[byPurgeTime.sortKey] as string }));
    return { items, nextKey: result.LastEvaluatedKey };
  }

  async touchLastUsed(keyId: string, at: string, unlessSince: string): Promise<void> {
    try {
      await this.table.db.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: itemKeys.key(keyId),
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :since)',
          ExpressionAttributeValues: { ':at': at, ':since': unlessSince },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
