import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UsageBucket, UsageLog } from '../../ports.ts';
import { emptyCounts, hourOf, USAGE_RETENTION_DAYS, useOutcomes, type UseOutcome } from '../../domain/usage-analytics.ts';
import { byTenant, type Table } from './table.ts';

/**
 * Each key's counters are spread over this many partitions, and each tenant's index entries
 * too: DynamoDB takes about 1,000 writes a second on one partition, so one key can be used
 * about 8,000 times a second, and one tenant's keys about as often together, before counting throttles.
 */
export const USAGE_SHARDS = 8;

const shardOf = () => Math.floor(Math.random() * USAGE_SHARDS);
const shards = Array.from({ length: USAGE_SHARDS }, (_, shard) => shard);
const keyPartition = (keyId: string, shard: number) => `USAGE#${keyId}#${shard}`;
const tenantPartition = (tenant: string, shard: number) => `USAGE#${tenant}#${shard}`;

function toBucket(item: Record<string, unknown>): UsageBucket {
  const counts = emptyCounts();
  for (const outcome of useOutcomes) counts[outcome] = Number(item[outcome] ?? 0);
  return { keyId: item.keyId as string, hour: item.hour as string, counts };
}

export class DynamoDbUsageLog implements UsageLog {
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async count(use: { tenant: string; keyId: string; outcome: UseOutcome; at: Date }): Promise<void> {
    const hour = hourOf(use.at);
    const shard = shardOf();
    await this.table.db.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: { pk: keyPartition(use.keyId, shard), sk: hour },
        UpdateExpression: 'SET entity = :entity, tenant = :tenant, keyId = :keyId, #hour = :hour, #gpk = :gpk, #gsk = :gsk, #ttl = :ttl ADD #outcome :one',
        ExpressionAttributeNames: { '#hour': 'hour', '#gpk': byTenant.partitionKey, '#gsk': byTenant.sortKey, '#ttl': 'ttl', '#outcome': use.outcome },
        ExpressionAttributeValues: {
          ':entity': 'usage',
          ':tenant': use.tenant,
          ':keyId': use.keyId,
          ':hour': hour,
          ':gpk': tenantPartition(use.tenant, shard),
          ':gsk': `${hour}#${use.keyId}`,
          ':ttl': Math.floor(Date.parse(hour) / 1000) + (USAGE_RETENTION_DAYS + 1) * 24 * 3600,
          ':one': 1,
        },
      }),
    );
  }

  async ofKey(keyId: string, from: Date, to: Date): Promise<UsageBucket[]> {
    const pages = await Promise.all(
      shards.map((shard) =>
        this.queryAll({
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keyPartition(keyId, shard), ':from': hourOf(from), ':to': hourOf(to) },
        }),
      ),
    );
    return pages.flat().map(toBucket);
  }

  async ofTenant(tenant: string, from: Date, to: Date): Promise<UsageBucket[]> {
    const pages = await Promise.all(
      shards.map((shard) =>
        this.queryAll({
          IndexName: byTenant.name,
          KeyConditionExpression: '#gpk = :gpk AND #gsk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#gpk': byTenant.partitionKey, '#gsk': byTenant.sortKey },
          // Every key of the last hour sorts after its bare hour: '~' follows every key id character.
          ExpressionAttributeValues: { ':gpk': tenantPartition(tenant, shard), ':from': hourOf(from), ':to': `${hourOf(to)}#~` },
        }),
      ),
    );
    return pages.flat().map(toBucket);
  }

  private async queryAll(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.db.send(new QueryCommand({ ...input, TableName: this.table.name, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
