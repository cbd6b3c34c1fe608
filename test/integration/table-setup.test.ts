import { describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '#shared/adapters/dynamodb/table.ts';
import { getConfig } from '#shared/config.ts';

describe('ensureTable', () => {
  it('succeeds when its CreateTable is sent twice (a slow first attempt resent by the SDK) and the second finds the table made', async () => {
    const client = new DynamoDBClient({
      endpoint: getConfig().dynamoDbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    // Sends each CreateTable twice, as a retry after a timed-out first attempt does: the answer is the second one's.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'CreateTableCommand') return next(args);
        await next(args);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'send-twice' },
    );
    const tableName = `keyward-twice-${Date.now()}`;
    await ensureTable(client, tableName);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableName).toBe(tableName);
    client.destroy();
  });
});
