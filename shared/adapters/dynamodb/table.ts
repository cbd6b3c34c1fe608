import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableInput, keywardTable } from '../table-definition.ts';

/** The one table every adapter works on, and the client that reaches it. */
export interface Table {
  db: DynamoDBDocumentClient;
  name: string;
}

export const { byTenant, byPurgeTime } = keywardTable.indexes;

export const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Item keys, one pattern per kind of item. */
export const itemKeys = {
  key: (keyId: string) => ({ pk: `KEY#${keyId}`, sk: 'KEY' }),
  tenant: (tenant: string) => ({ pk: `TENANT#${tenant}`, sk: 'TENANT' }),
  person: (tenant: string, personId: string) => ({ pk: `PERSON#${tenant}#${personId}`, sk: 'PERSON' }),
  setting: (name: string) => ({ pk: `SETTING#${name}`, sk: 'SETTING' }),
  idempotency: (id: string) => ({ pk: `IDEMPOTENCY#${id}`, sk: 'IDEMPOTENCY' }),
};

/**
 * Creates the table (and its TTL setting) unless it exists, and turns its stream on when a
 * table made before events existed lacks it; used by the local run, tests and the CLI.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: keywardTable.streamView },
        }),
      );
    }
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    // A first attempt that outlasted its timeout was sent again by the SDK, and had made the table.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: keywardTable.ttlAttribute, Enabled: true },
    }),
  );
}
