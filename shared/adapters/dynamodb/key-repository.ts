import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { KeyFilter, KeyRecord, KeyRepository, Page, PageKey } from '../../ports.ts';
import type { UsageState, UsePlan } from '../../domain/usage-controls.ts';
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
    const { Item } = await this.table.db.send(
      new GetCommand({ TableName: this.table.name, Key: itemKeys.key(keyId), ConsistentRead: true }),
    );
    return Item ? toKeyRecord(Item) : undefined;
  }

  async list(
    tenant: string,
    options: { limit: number; startKey?: PageKey | undefined; filter: KeyFilter; order: 'desc' | 'asc'; now: Date },
  ): Promise<Page<KeyRecord>> {
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
      const result = await this.table.db.send(
        new QueryCommand({ ...base, Limit: options.limit - items.length, ExclusiveStartKey: startKey }),
      );
      items.push(...(result.Items ?? []).map(toKeyRecord));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { items, nextKey: startKey };
  }

  listPurgeDue(now: Date, options: { limit: number; startKey?: PageKey | undefined }) {
    return this.queryPurgeIndex('#psk <= :to', { ':to': now.toISOString() }, options);
  }

  listByPurgeTime(from: Date, to: Date, options: { limit: number; startKey?: PageKey | undefined }) {
    return this.queryPurgeIndex('#psk BETWEEN :from AND :to', { ':from': from.toISOString(), ':to': to.toISOString() }, options);
  }

  private async queryPurgeIndex(range: string, values: Record<string, string>, options: { limit: number; startKey?: PageKey | undefined }) {
    const result = await this.table.db.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: byPurgeTime.name,
        KeyConditionExpression: `#ppk = :ppk AND ${range}`,
        ExpressionAttributeNames: { '#ppk': byPurgeTime.partitionKey, '#psk': byPurgeTime.sortKey },
        ExpressionAttributeValues: { ':ppk': 'PURGE', ...values },
        Limit: options.limit,
        ExclusiveStartKey: options.startKey,
      }),
    );
    const items = (result.Items ?? []).map((item) => ({
      keyId: item.keyId as string,
      tenant: item.tenant as string,
      purgeAt: item[byPurgeTime.sortKey] as string,
    }));
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

  async countUse(keyId: string, plan: UsePlan): Promise<{ ok: true; counted: UsageState } | { ok: false; current: KeyRecord | undefined }> {
    const sets: string[] = [];
    const conditions = ['attribute_exists(pk)'];
    const values: Record<string, unknown> = {};
    const { rate, credits } = plan;
    if (rate) {
      values[':window'] = rate.windowStart;
      if (rate.sameWindow) {
        // Another use in this window: only while the window still has room.
        sets.push('rateCount = rateCount + :one');
        conditions.push('rateWindowStart = :window', 'rateCount < :limit');
        values[':limit'] = rate.limit;
      } else {
        // The first use of a new window, unless another function started it first.
        sets.push('rateWindowStart = :window', 'rateCount = :one');
        conditions.push(rate.storedWindowStart === undefined ? 'attribute_not_exists(rateWindowStart)' : 'rateWindowStart = :storedWindow');
        if (rate.storedWindowStart !== undefined) values[':storedWindow'] = rate.storedWindowStart;
      }
    }
    if (credits) {
      if (credits.refillTo !== undefined) {
        // The first use after a refill boundary refills, once.
        sets.push('credits.remaining = :refilled', 'creditsPeriod = :period');
        values[':refilled'] = credits.refillTo - 1;
        values[':period'] = credits.period;
        conditions.push(credits.storedPeriod === undefined ? 'attribute_not_exists(creditsPeriod)' : 'creditsPeriod = :storedPeriod');
        if (credits.storedPeriod !== undefined) values[':storedPeriod'] = credits.storedPeriod;
      } else {
        sets.push('credits.remaining = credits.remaining - :one');
        conditions.push('credits.remaining > :zero');
        values[':zero'] = 0;
        if (credits.period !== undefined) {
          conditions.push('creditsPeriod = :period');
          values[':period'] = credits.period;
        }
      }
    }
    if (sets.length === 0) return { ok: true, counted: {} };
    if (sets.some((set) => set.includes(':one'))) values[':one'] = 1;
    // Each use marks the key with a token of its own. When an attempt lands but its answer is
    // lost, the SDK sends it again: the mark makes that retry fail instead of counting twice,
    // and tells this use that the item it gets back holds its own count.
    const useToken = randomUUID();
    sets.push('useToken = :useToken');
    conditions.push('(attribute_not_exists(useToken) OR useToken <> :useToken)');
    values[':useToken'] = useToken;
    try {
      const result = await this.table.db.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: itemKeys.key(keyId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeValues: values,
          // The counters as they stand come back either way: exact headers, and no read to judge again.
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true, counted: countersOf(toKeyRecord(result.Attributes ?? {}), rate?.windowStart) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = error.Item ? unmarshall(error.Item) : undefined;
      if (stored?.useToken === useToken) return { ok: true, counted: countersOf(toKeyRecord(stored), rate?.windowStart) };
      return { ok: false, current: stored ? toKeyRecord(stored) : undefined };
    }
  }
}

/** The counters of a counted use. An increment returns only the count: its window is the one the plan counted in. */
function countersOf(counted: KeyRecord, plannedWindowStart: number | undefined): UsageState {
  const rateWindowStart = counted.rateWindowStart ?? (counted.rateCount !== undefined ? plannedWindowStart : undefined);
  return { rateWindowStart, rateCount: counted.rateCount, credits: counted.credits, creditsPeriod: counted.creditsPeriod };
}
