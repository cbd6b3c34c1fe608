import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent, AuditLog, Page, PageKey } from '../../ports.ts';
import { byTenant, type Table } from './table.ts';

const auditPartition = (tenant: string) => `AUDIT#${tenant}`;
const keyAuditPartition = (tenant: string, keyId: string) => `AUDIT#${tenant}#${keyId}`;

/** The item of an audit event: in its tenant's log, and in its key's history when it names a key. */
export function auditItem(event: AuditEvent): Record<string, unknown> {
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
  return item;
}

function toAuditEvent(item: Record<string, unknown>): AuditEvent {
  const {
    id,
    tenant,
    at,
    action,
    keyId,
    actor,
    actorType,
    actorEmail,
    actorName,
    ownerId,
    sourceIp,
    outcome,
    details,
    ttl,
    failureCount,
    lastAt,
  } = item as unknown as AuditEvent & {
    ttl: number;
    failureCount?: number;
    lastAt?: string;
  };
  // A counted failure event shows how often it happened within its minute, and when last.
  const counted = failureCount !== undefined ? { ...details, count: failureCount, lastAt: lastAt ?? at } : details;
  return {
    id,
    tenant,
    at,
    action,
    keyId,
    actor,
    // Events written before people signed in were all a key's, or (failures) nobody's.
    actorType: actorType ?? (action === 'authentication.failure' ? 'unauthenticated' : 'key'),
    ...(actorEmail !== undefined ? { actorEmail } : {}),
    ...(actorName !== undefined ? { actorName } : {}),
    ...(ownerId !== undefined ? { ownerId } : {}),
    sourceIp,
    outcome,
    details: counted,
    expiresAtEpoch: ttl,
  };
}

export class DynamoDbAuditLog implements AuditLog {
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async list(
    tenant: string,
    options: { keyId?: string | undefined; limit: number; startKey?: PageKey | undefined },
  ): Promise<Page<AuditEvent>> {
    const byKey = options.keyId !== undefined;
    const result = await this.table.db.send(
      new QueryCommand({
        TableName: this.table.name,
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
    const items = (result.Items ?? [])
      .map(toAuditEvent)
      .sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)));
    return { items, nextKey: result.LastEvaluatedKey };
  }

  async countAuthenticationFailure(event: AuditEvent, windowStart: string): Promise<void> {
    const sortKey = `${windowStart}#${event.id}`;
    const indexPartition = event.keyId ? keyAuditPartition(event.tenant, event.keyId) : `${auditPartition(event.tenant)}#-`;
    await this.countFailure({ pk: auditPartition(event.tenant), sk: sortKey }, indexPartition, event);
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
    const values: Record<string, unknown> = {
      ':at': at,
      ':details': details,
      ':ttl': expiresAtEpoch,
      ':gsk': `${at}#${event.id}`,
      ':one': 1,
    };
    const sets = Object.entries(set).map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    // The index orders the event by its first failure exactly; the table's sort key had to be known before it.
    sets.push(
      '#at = if_not_exists(#at, :at)',
      '#details = if_not_exists(#details, :details)',
      '#ttl = if_not_exists(#ttl, :ttl)',
      '#gsk = if_not_exists(#gsk, :gsk)',
    );
    await this.table.db.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')} ADD failureCount :one`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
