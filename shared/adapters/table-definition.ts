import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one table, described once: the local run creates it from `createTableInput` and the
 * CDK stack builds its `TableV2` from the same fields, so both always have the same shape.
 */
export const keywardTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  /** Every new item, in order: the audit events in it become events (EventBridge in AWS, a file locally). */
  streamView: 'NEW_IMAGE' as const,
  indexes: {
    /** Keys and audit events of a tenant, newest first. */
    byTenant: { name: 'by-tenant', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' as const },
    /** Sparse: only keys that are expired or revoked, ordered by when they may be purged. */
    byPurgeTime: {
      name: 'by-purge-time',
      partitionKey: 'gsi2pk',
      sortKey: 'gsi2sk',
      projection: 'INCLUDE' as const,
      nonKeyAttributes: ['keyId', 'tenant'],
    },
  },
} as const;

export function createTableInput(tableName: string): CreateTableCommandInput {
  const { indexes } = keywardTable;
  const attribute = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: keywardTable.streamView },
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map(attribute),
    KeySchema: [
      { AttributeName: keywardTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: keywardTable.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: indexes.byTenant.name,
        KeySchema: [
          { AttributeName: indexes.byTenant.partitionKey, KeyType: 'HASH' },
          { AttributeName: indexes.byTenant.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: indexes.byTenant.projection },
      },
      {
        IndexName: indexes.byPurgeTime.name,
        KeySchema: [
          { AttributeName: indexes.byPurgeTime.partitionKey, KeyType: 'HASH' },
          { AttributeName: indexes.byPurgeTime.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: indexes.byPurgeTime.projection, NonKeyAttributes: [...indexes.byPurgeTime.nonKeyAttributes] },
      },
    ],
  };
}
