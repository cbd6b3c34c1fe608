import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  TransactionCanceledException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type {
  AuditEvent,
  IdempotencyRecord,
  KeyChanges,
  KeyFilter,
  KeyRecord,
  KeyStore,
  Page,
  PageKey,
  TenantRecord,
  WriteOp,
} from '../ports.ts';
import { WriteConflict } from '../ports.ts';
import { createTableInput, keywardTable } from './table-definition.ts';

const { byTenant, byPurgeTime } = keywardTable.indexes;
/** Purge runs keep a week of slack before TTL removes a key without an audit event. */
const TTL_SLACK_SECONDS = 7 * 24 * 3600;
/** A filtered list reads at most this many pages before answering with a cursor. */
const MAX_PAGES_PER_LIST = 10;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const keyItemKey = (keyId: string) => ({ pk: `KEY#${keyId}`, sk: 'KEY' });
const tenantItemKey = (tenant: string) => ({ pk: `TENANT#${tenant}`, sk: 'TENANT' });
const settingItemKey = (name: string) => ({ pk: `SETTING#${name}`, sk: 'SETTING' });
const idempotencyItemKey = (id: string) => ({ pk: `IDEMPOTENCY#${id}`, sk: 'IDEMPOTENCY' });

/** Attributes derived from a key's fields: index keys, lower-cased name, TTL. */
function derivedKeyAttributes(fields: Partial<Pick<KeyRecord, 'name' | 'purgeAt'>>): Record<string, unknown> {
  const derived: Record<string, unknown> = {};
  if (fields.name !== undefined) derived.nameLower = fields.name.toLowerCase();
  if (fields.purgeAt !== undefined) {
    derived[byPurgeTime.partitionKey] = 'PURGE';
    derived[byPurgeTime.sortKey] = fields.purgeAt;
    derived.ttl = epochSeconds(fields.purgeAt) + TTL_SLACK_SECONDS;
  }
  return derived;
}

function keyItem(key: KeyRecord): Record<string, unknown> {
  return {
    ...keyItemKey(key.keyId),
    entity: 'key',
    ...key,
    [byTenant.partitionKey]: `TENANT#${key.tenant}#KEYS`,
    [byTenant.sortKey]: `${key.createdAt}#${key.keyId}`,
    ...derivedKeyAttributes(key),
  };
}

const keyFields = [
  'keyId', 'tenant', 'name', 'description', 'type', 'scopes', 'status', 'secretHash', 'secretVersion', 'previousSecretHash',
  'previousSecretValidUntil', 'recoverable', 'sealedApiKey', 'previewTail', 'createdAt', 'createdBy', 'updatedAt',
  'lastUsedAt', 'expiresAt', 'revokedAt', 'revokeReason', 'purgeAt', 'version',
] as const satisfies readonly (keyof KeyRecord)[];

function toKeyRecord(item: Record<string, unknown>): KeyRecord {
  const record: Record<string, unknown> = {};
  for (const field of keyFields) if (item[field] !== undefined) record[field] = item[field];
  return record as unknown as KeyRecord;
}

function toAuditEvent(item: Record<string, unknown>): AuditEvent {
  const { id, tenant, at, action, keyId, actor, sourceIp, outcome, details, ttl, failureCount, lastAt } = item as unknown as AuditEvent & {
    ttl: number;
    failureCount?: number;
    lastAt?: string;
  };
  // A counted failure event shows how often it happened within its minute, and when last.
  const counted = failureCount !== undefined ? { ...details, count: failureCount, lastAt: lastAt ?? at } : details;
  return { id, tenant, at, action, keyId, actor, sourceIp, outcome, details: counted, expiresAtEpoch: ttl };
}

const auditPartition = (tenant: string) => `AUDIT#${tenant}`;
const keyAuditPartition = (tenant: string, keyId: string) => `AUDIT#${tenant}#${keyId}`;

function updateExpression(changes: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  Object.entries(changes).forEach(([field, value], i) => {
    if (value === undefined) return;
    names[`#f${i}`] = field;
    if (value === null) {
      removes.push(`#f${i}`);
    } else {
      values[`:v${i}`] = value;
      sets.push(`#f${i} = :v${i}`);
    }
  });
  return { sets, removes, names, values };
}

function keyFilterExpression(filter: KeyFilter, now: Date) {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.type) {
    clauses.push('#type = :type');
    names['#type'] = 'type';
    values[':type'] = filter.type;
  }
  if (filter.nameContains) {
    clauses.push('contains(nameLower, :name)');
    values[':name'] = filter.nameContains.toLowerCase();
  }
  if (filter.status) {
    names['#status'] = 'status';
    if (filter.status === 'revoked') {
      clauses.push('#status = :status');
      values[':status'] = 'revoked';
    } else {
      values[':now'] = now.toISOString();
      if (filter.status === 'expired') {
        clauses.push('#status <> :revoked AND expiresAt <= :now');
        values[':revoked'] = 'revoked';
      } else {
        clauses.push('#status = :status AND (attribute_not_exists(expiresAt) OR expiresAt > :now)');
        values[':status'] = filter.status;
      }
    }
  }
  if (clauses.length === 0) return {};
  return {
    FilterExpression: clauses.join(' AND '),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
  };
}

/** The DynamoDB adapter: the only code that knows the table's attribute names and key patterns. */
export class DynamoDbKeyStore implements KeyStore {
  private readonly db: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly auditRetentionSeconds: number;

  constructor(db: DynamoDBDocumentClient, tableName: string, options: { auditRetentionDays: number }) {
    this.db = db;
    this.tableName = tableName;
    this.auditRetentionSeconds = options.auditRetentionDays * 24 * 3600;
  }

  async getKey(keyId: string): Promise<KeyRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keyItemKey(keyId), ConsistentRead: true }));
    return Item ? toKeyRecord(Item) : undefined;
  }

  async getTenant(tenant: string): Promise<TenantRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: tenantItemKey(tenant), ConsistentRead: true }));
    return Item ? { tenant: Item.tenant, systemKeyId: Item.systemKeyId, createdAt: Item.createdAt } : undefined;
  }

  async write(ops: WriteOp[]): Promise<void> {
    const items = ops.map((op) => this.toTransactItem(op));
    try {
      if (items.length === 1) {
        const [item] = items;
        if (item?.Put) await this.db.send(new PutCommand(item.Put));
        else if (item?.Update) await this.db.send(new UpdateCommand(item.Update));
        else if (item?.Delete) await this.db.send(new DeleteCommand(item.Delete));
      } else {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      }
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new WriteConflict(0);
      if (error instanceof TransactionCanceledException) {
        const index = error.CancellationReasons?.findIndex((reason) => reason.Code === 'ConditionalCheckFailed') ?? -1;
        if (index >= 0) throw new WriteConflict(index);
      }
      throw error;
    }
  }

  private toTransactItem(op: WriteOp) {
    const TableName = this.tableName;
    switch (op.kind) {
      case 'createKey':
        return { Put: { TableName, Item: keyItem(op.key), ConditionExpression: 'attribute_not_exists(pk)' } };
      case 'createTenant':
        return {
          Put: { TableName, Item: { ...tenantItemKey(op.tenant.tenant), entity: 'tenant', ...op.tenant }, ConditionExpression: 'attribute_not_exists(pk)' },
        };
      case 'audit': {
        const { event } = op;
        const { expiresAtEpoch, ...fields } = event;
        const item: Record<string, unknown> = {
          pk: auditPartition(event.tenant),
          sk: `${event.at}#${event.id}`,
          entity: 'audit',
          ...fields,
          ttl: expiresAtEpoch,
        };
        if (event.keyId) {
          item[byTenant.partitionKey] = keyAuditPartition(event.tenant, event.keyId);
          item[byTenant.sortKey] = `${event.at}#${event.id}`;
        }
        return { Put: { TableName, Item: item } };
      }
      case 'updateKey': {
        const changes = { ...op.changes, ...derivedKeyAttributes(withoutNulls(op.changes)) };
        const { sets, removes, names, values } = updateExpression(changes);
        sets.push('#version = :next');
        const clauses = [`SET ${sets.join(', ')}`];
        if (removes.length > 0) clauses.push(`REMOVE ${removes.join(', ')}`);
        return {
          Update: {
            TableName,
            Key: keyItemKey(op.keyId),
            UpdateExpression: clauses.join(' '),
            ConditionExpression: 'attribute_exists(pk) AND #tenant = :tenant AND #version = :expected',
            ExpressionAttributeNames: { ...names, '#tenant': 'tenant', '#version': 'version' },
            ExpressionAttributeValues: { ...values, ':tenant': op.tenant, ':expected': op.expectedVersion, ':next': op.expectedVersion + 1 },
          },
        };
      }
      case 'deleteKey': {
        const versioned = op.expectedVersion !== undefined;
        return {
          Delete: {
            TableName,
            Key: keyItemKey(op.keyId),
            ConditionExpression: `attribute_exists(pk) AND #tenant = :tenant${versioned ? ' AND #version = :expected' : ''}`,
            ExpressionAttributeNames: { '#tenant': 'tenant', ...(versioned ? { '#version': 'version' } : {}) },
            ExpressionAttributeValues: { ':tenant': op.tenant, ...(versioned ? { ':expected': op.expectedVersion } : {}) },
          },
        };
      }
      case 'purgeKey':
        return {
          Delete: {
            TableName,
            Key: keyItemKey(op.keyId),
            ConditionExpression: 'attribute_exists(pk) AND #tenant = :tenant AND purgeAt <= :due',
            ExpressionAttributeNames: { '#tenant': 'tenant' },
            ExpressionAttributeValues: { ':tenant': op.tenant, ':due': op.dueBy },
          },
        };
    }
  }

  async touchLastUsed(keyId: string, at: string, unlessSince: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyItemKey(keyId),
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :since)',
          ExpressionAttributeValues: { ':at': at, ':since': unlessSince },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async countAuthenticationFailure(event: AuditEvent, windowStart: string): Promise<void> {
    const sortKey = `${windowStart}#${event.id}`;
    await this.countFailure({ pk: auditPartition(event.tenant), sk: sortKey }, event.keyId ? keyAuditPartition(event.tenant, event.keyId) : `${auditPartition(event.tenant)}#-`, event);
  }

  async countUnknownKeyAttempt(attempt: AuditEvent, windowStart: string): Promise<void> {
    const partition = `ATTEMPTS#${attempt.sourceIp ?? '-'}`;
    await this.countFailure({ pk: partition, sk: windowStart }, partition, attempt);
  }

  /**
   * One write for every failed attempt, known key or not: the same expression, the same
   * attributes and one index entry, so the two cost the same and timing tells nothing. The
   * first attempt of the window fixes when, what, and how long it is kept; later ones count.
   */
  private async countFailure(key: { pk: string; sk: string }, indexPartition: string, event: AuditEvent): Promise<void> {
    const { expiresAtEpoch, at, details, ...fields } = event;
    const set: Record<string, unknown> = { entity: 'audit', ...fields, lastAt: at, [byTenant.partitionKey]: indexPartition };
    const names: Record<string, string> = { '#at': 'at', '#details': 'details', '#ttl': 'ttl', '#gsk': byTenant.sortKey };
    const values: Record<string, unknown> = { ':at': at, ':details': details, ':ttl': expiresAtEpoch, ':gsk': `${at}#${event.id}`, ':one': 1 };
    const sets = Object.entries(set).map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    // The index orders the event by its first failure exactly; the table's sort key had to be known before it.
    sets.push('#at = if_not_exists(#at, :at)', '#details = if_not_exists(#details, :details)', '#ttl = if_not_exists(#ttl, :ttl)', '#gsk = if_not_exists(#gsk, :gsk)');
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')} ADD failureCount :one`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async listKeys(tenant: string, options: { limit: number; startKey?: PageKey | undefined; filter: KeyFilter; order: 'desc' | 'asc'; now: Date }): Promise<Page<KeyRecord>> {
    const base: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: byTenant.name,
      KeyConditionExpression: '#gpk = :gpk',
      ScanIndexForward: options.order === 'asc',
      ...keyFilterExpression(options.filter, options.now),
    };
    base.ExpressionAttributeNames = { ...base.ExpressionAttributeNames, '#gpk': byTenant.partitionKey };
    base.ExpressionAttributeValues = { ...base.ExpressionAttributeValues, ':gpk': `TENANT#${tenant}#KEYS` };
    const items: KeyRecord[] = [];
    let startKey = options.startKey;
    // Limit counts items read before the filter, so asking for only what is still missing
    // means a page never holds more matches than fit, and LastEvaluatedKey is the exact resume point.
    for (let page = 0; page < MAX_PAGES_PER_LIST && items.length < options.limit; page++) {
      const result = await this.db.send(new QueryCommand({ ...base, Limit: options.limit - items.length, ExclusiveStartKey: startKey }));
      items.push(...(result.Items ?? []).map(toKeyRecord));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { items, nextKey: startKey };
  }

  async listAudit(tenant: string, options: { keyId?: string | undefined; limit: number; startKey?: PageKey | undefined }): Promise<Page<AuditEvent>> {
    const byKey = options.keyId !== undefined;
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        ...(byKey ? { IndexName: byTenant.name } : {}),
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': byKey ? byTenant.partitionKey : 'pk' },
        ExpressionAttributeValues: { ':pk': byKey ? keyAuditPartition(tenant, options.keyId ?? '') : auditPartition(tenant) },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: options.startKey,
      }),
    );
    // A counted failure sits at the start of its minute in the table; order the page by when things happened.
    const items = (result.Items ?? []).map(toAuditEvent).sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)));
    return { items, nextKey: result.LastEvaluatedKey };
  }

  async listPurgeDue(now: Date, options: { limit: number; startKey?: PageKey | undefined }) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
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

  async getSetting<T>(name: string): Promise<{ value: T; version: number } | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: settingItemKey(name), ConsistentRead: true }));
    return Item ? { value: Item.value as T, version: Item.version as number } : undefined;
  }

  async putSetting<T>(name: string, value: T, expectedVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...settingItemKey(name), entity: 'setting', value, version: expectedVersion + 1 },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new WriteConflict(0);
      throw error;
    }
  }

  async claimIdempotency(record: IdempotencyRecord, now: Date): Promise<IdempotencyRecord | undefined> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...idempotencyItemKey(record.id), entity: 'idempotency', ...record, ttl: epochSeconds(record.expiresAt) },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: idempotencyItemKey(record.id), ConsistentRead: true }));
    if (!Item) return this.claimIdempotency(record, now);
    return { id: Item.id, requestHash: Item.requestHash, state: Item.state, sealedResponse: Item.sealedResponse, expiresAt: Item.expiresAt };
  }

  async completeIdempotency(id: string, sealedResponse: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: idempotencyItemKey(id),
        UpdateExpression: 'SET #state = :completed, sealedResponse = :response',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':completed': 'completed', ':response': sealedResponse },
      }),
    );
  }

  async releaseIdempotency(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: idempotencyItemKey(id) }));
  }
}

function withoutNulls(changes: KeyChanges): Partial<Pick<KeyRecord, 'name' | 'purgeAt'>> {
  return {
    ...(changes.name != null ? { name: changes.name } : {}),
    ...(changes.purgeAt != null ? { purgeAt: changes.purgeAt } : {}),
  };
}

/** Creates the table (and its TTL setting) unless it exists; used by the local run, tests and the CLI. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: keywardTable.ttlAttribute, Enabled: true } }),
  );
}
