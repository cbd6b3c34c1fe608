import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Store, TenantDirectory, TenantRecord } from '../../ports.ts';
import { DynamoDbAuditLog } from './audit-log.ts';
import { DynamoDbChangeWriter } from './change-writer.ts';
import { DynamoDbIdempotencyStore } from './idempotency-store.ts';
import { DynamoDbKeyRepository } from './key-repository.ts';
import { DynamoDbPeopleDirectory } from './people-directory.ts';
import { DynamoDbSettingsStore } from './settings-store.ts';
import { itemKeys, type Table } from './table.ts';
import { DynamoDbUsageLog } from './usage-log.ts';

class DynamoDbTenantDirectory implements TenantDirectory {
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async get(tenant: string): Promise<TenantRecord | undefined> {
    const { Item } = await this.table.db.send(
      new GetCommand({ TableName: this.table.name, Key: itemKeys.tenant(tenant), ConsistentRead: true }),
    );
    return Item ? { tenant: Item.tenant, systemKeyId: Item.systemKeyId, createdAt: Item.createdAt, policy: Item.policy } : undefined;
  }
}

/**
 * Every port on the one table. The adapters under this folder are the only code that knows
 * the table's attribute names and key patterns.
 */
export function createDynamoDbStore(db: DynamoDBDocumentClient, tableName: string): Store {
  const table: Table = { db, name: tableName };
  return {
    keys: new DynamoDbKeyRepository(table),
    tenants: new DynamoDbTenantDirectory(table),
    people: new DynamoDbPeopleDirectory(table),
    audit: new DynamoDbAuditLog(table),
    settings: new DynamoDbSettingsStore(table),
    idempotency: new DynamoDbIdempotencyStore(table),
    changes: new DynamoDbChangeWriter(table),
    usage: new DynamoDbUsageLog(table),
  };
}
