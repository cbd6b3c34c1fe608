import type { KeyChanges, KeyFilter, KeyRecord } from '../../ports.ts';
import { statusCriteria } from '../../domain/key-status.ts';
import { byPurgeTime, byTenant, epochSeconds, itemKeys } from './table.ts';

/** Purge runs keep a week of slack before TTL removes a key without an audit event. */
const TTL_SLACK_SECONDS = 7 * 24 * 3600;

/** Attributes derived from a key's fields: index keys, lower-cased name, TTL. */
export function derivedKeyAttributes(fields: {
  name?: string | null | undefined;
  purgeAt?: string | null | undefined;
}): Record<string, unknown> {
  const derived: Record<string, unknown> = {};
  if (fields.name != null) derived.nameLower = fields.name.toLowerCase();
  if (fields.purgeAt != null) {
    derived[byPurgeTime.partitionKey] = 'PURGE';
    derived[byPurgeTime.sortKey] = fields.purgeAt;
    derived.ttl = epochSeconds(fields.purgeAt) + TTL_SLACK_SECONDS;
  }
  return derived;
}

/**
 * Meta is stored as its JSON text: the SDK's marshalling throws on a `constructor` key and drops
 * a `__proto__` one, and JSON keeps both as the keys they are. Items written before hold a map.
 */
const storedMeta = (meta: KeyRecord['meta'] | null | undefined) => (meta == null ? meta : JSON.stringify(meta));
const metaOf = (stored: unknown) => (typeof stored === 'string' ? JSON.parse(stored) : stored);

export const tenantKeysPartition = (tenant: string) => `TENANT#${tenant}#KEYS`;

export function keyItem(key: KeyRecord): Record<string, unknown> {
  return {
    ...itemKeys.key(key.keyId),
    entity: 'key',
    ...key,
    meta: storedMeta(key.meta),
    [byTenant.partitionKey]: tenantKeysPartition(key.tenant),
    [byTenant.sortKey]: `${key.createdAt}#${key.keyId}`,
    ...derivedKeyAttributes(key),
  };
}

const keyFields = [
  'keyId',
  'tenant',
  'name',
  'description',
  'type',
  'scopes',
  'status',
  'secretHash',
  'secretVersion',
  'previousSecretHash',
  'previousSecretValidUntil',
  'recoverable',
  'sealedApiKey',
  'previewTail',
  'createdAt',
  'createdBy',
  'updatedAt',
  'lastUsedAt',
  'expiresAt',
  'revokedAt',
  'revokeReason',
  'purgeAt',
  'version',
  'ownerId',
  'meta',
  'allowedIps',
  'rateLimit',
  'rateWindowStart',
  'rateCount',
  'credits',
  'creditsPeriod',
  'expiryNotice7d',
  'expiryNotice1d',
  'leakedAt',
] as const satisfies readonly (keyof KeyRecord)[];

export function toKeyRecord(item: Record<string, unknown>): KeyRecord {
  const record: Record<string, unknown> = {};
  for (const field of keyFields) if (item[field] !== undefined) record[field] = item[field];
  if (record.meta !== undefined) record.meta = metaOf(record.meta);
  return record as unknown as KeyRecord;
}

/** SET and REMOVE clauses for `changes` (null removes a field), with the attributes derived from them. */
export function keyUpdate(changes: KeyChanges) {
  const all: Record<string, unknown> = { ...changes, meta: storedMeta(changes.meta), ...derivedKeyAttributes(changes) };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  Object.entries(all).forEach(([field, value], i) => {
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

/** The list filter as a DynamoDB filter expression; the status part is the domain's own `statusCriteria`. */
export function keyFilterExpression(filter: KeyFilter, now: Date) {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.type) {
    clauses.push('#type = :type');
    names['#type'] = 'type';
    values[':type'] = filter.type;
  }
  if (filter.ownerId) {
    clauses.push('ownerId = :owner');
    values[':owner'] = filter.ownerId;
  }
  if (filter.nameContains) {
    clauses.push('contains(nameLower, :name)');
    values[':name'] = filter.nameContains.toLowerCase();
  }
  if (filter.status) {
    const criteria = statusCriteria[filter.status];
    names['#status'] = 'status';
    const stored = criteria.stored.map((status, i) => {
      values[`:stored${i}`] = status;
      return `:stored${i}`;
    });
    clauses.push(`#status IN (${stored.join(', ')})`);
    if (criteria.expired !== undefined) {
      values[':now'] = now.toISOString();
      clauses.push(criteria.expired ? 'expiresAt <= :now' : '(attribute_not_exists(expiresAt) OR expiresAt > :now)');
    }
  }
  if (clauses.length === 0) return {};
  return {
    FilterExpression: clauses.join(' AND '),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
  };
}
