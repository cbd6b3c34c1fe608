import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { UsageBucket, UsageLog, Use } from '../../ports.ts';
import { emptyCounts, hourOf, USAGE_RETENTION_DAYS, useOutcomes, type UsageCounts } from '../../domain/usage-analytics.ts';
import { byTenant, type Table } from './table.ts';

/**
 * Each key's counters are spread over this many partitions, and each tenant's index entries
 * too, so that batches counted at the same time seldom write the same item (a transaction
 * touching an item another one is writing is refused and retried).
 */
export const USAGE_SHARDS = 8;

/** DynamoDB takes at most 100 items in one transaction: one of them is the batch's mark. */
const COUNTERS_PER_TRANSACTION = 99;
/** A delivery of a batch is retried for hours at most; its mark is kept for two days. */
const MARK_DAYS = 2;
const markExpiry = () => Math.floor(Date.now() / 1000) + MARK_DAYS * 24 * 3600;

const shardOf = () => Math.floor(Math.random() * USAGE_SHARDS);
const shards = Array.from({ length: USAGE_SHARDS }, (_, shard) => shard);
const keyPartition = (keyId: string, shard: number) => `USAGE#${keyId}#${shard}`;
const tenantPartition = (tenant: string, shard: number) => `USAGE#${tenant}#${shard}`;

interface Counter {
  tenant: string;
  keyId: string;
  hour: string;
  counts: UsageCounts;
}

/** The batch's uses summed per key and hour, in a fixed order so a retried batch splits into the same chunks. */
function countersOf(uses: Use[]): Counter[] {
  const counters = new Map<string, Counter>();
  for (const use of uses) {
    const hour = hourOf(use.at);
    const id = `${use.keyId}#${hour}`;
    const counter = counters.get(id) ?? { tenant: use.tenant, keyId: use.keyId, hour, counts: emptyCounts() };
    counter.counts[use.outcome] += 1;
    counters.set(id, counter);
  }
  return [...counters.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, counter]) => counter);
}

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

  async add(batchId: string, uses: Use[]): Promise<void> {
    const counters = countersOf(uses);
    // One transaction per chunk: its counters, and a mark that the chunk was added, which
    // makes a retried delivery of the same batch a no-op.
    for (let first = 0, chunk = 0; first < counters.length; first += COUNTERS_PER_TRANSACTION, chunk++) {
      const mark = {
        TableName: this.table.name,
        Item: { pk: `USEBATCH#${batchId}#${chunk}`, sk: 'USEBATCH', entity: 'use-batch', ttl: markExpiry() },
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      const updates = counters.slice(first, first + COUNTERS_PER_TRANSACTION).map((counter) => ({ Update: this.counterUpdate(counter) }));
      try {
        await this.table.db.send(new TransactWriteCommand({ TransactItems: [{ Put: mark }, ...updates] }));
      } catch (error) {
        const alreadyAdded =
          error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
        if (!alreadyAdded) throw error;
      }
    }
  }

  /** One atomic ADD per outcome on the hour's counter, never a read-modify-write. */
  private counterUpdate({ tenant, keyId, hour, counts }: Counter) {
    const shard = shardOf();
    const outcomes = useOutcomes.filter((outcome) => counts[outcome] > 0);
    return {
      TableName: this.table.name,
      Key: { pk: keyPartition(keyId, shard), sk: hour },
      UpdateExpression: `SET entity = :entity, tenant = :tenant, keyId = :keyId, #hour = :hour, #gpk = :gpk, #gsk = :gsk, #ttl = :ttl ADD ${outcomes.map((outcome) => `#${outcome} :${outcome}`).join(', ')}`,
      ExpressionAttributeNames: {
        '#hour': 'hour',
        '#gpk': byTenant.partitionKey,
        '#gsk': byTenant.sortKey,
        '#ttl': 'ttl',
        ...Object.fromEntries(outcomes.map((outcome) => [`#${outcome}`, outcome])),
      },
      ExpressionAttributeValues: {
        ':entity': 'usage',
        ':tenant': tenant,
        ':keyId': keyId,
        ':hour': hour,
        ':gpk': tenantPartition(tenant, shard),
        ':gsk': `${hour}#${keyId}`,
        ':ttl': Math.floor(Date.parse(hour) / 1000) + (USAGE_RETENTION_DAYS + 1) * 24 * 3600,
        ...Object.fromEntries(outcomes.map((outcome) => [`:${outcome}`, counts[outcome]])),
      },
    };
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
