import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DynamoDBClient, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { eventOfStreamRecord, type StreamRecord } from '#shared/adapters/dynamodb/audit-stream.ts';

const POLL_MS = 500;
/** New shards (DynamoDB rotates them) are looked for this often. */
const SHARD_SCAN_MS = 10_000;

export interface EventLogOptions {
  endpoint: string;
  region: string;
  tableName: string;
  /** Each event is appended here as one JSON line. */
  file: string;
  /** Where each shard was read up to, so a restart neither repeats nor skips an event. */
  checkpointFile: string;
  onError?: (error: unknown) => void;
}

/**
 * What EventBridge does in AWS, for `npm start`: reads the table's stream and appends every
 * new audit event to a file as one JSON line (`{"source", "detail-type", "time", "detail"}`).
 */
export function startEventLog(options: EventLogOptions): { stop: () => Promise<void> } {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const tables = new DynamoDBClient({ endpoint: options.endpoint, region: options.region, credentials });
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: options.region, credentials });
  const checkpoints: Record<string, string> = existsSync(options.checkpointFile)
    ? JSON.parse(readFileSync(options.checkpointFile, 'utf8'))
    : {};
  const iterators = new Map<string, string | undefined>();
  let stopped = false;
  let lastScan = 0;
  let streamArn: string | undefined;

  async function scanShards(): Promise<void> {
    streamArn ??= (await tables.send(new DescribeTableCommand({ TableName: options.tableName }))).Table?.LatestStreamArn;
    if (!streamArn) return;
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (!shardId || iterators.has(shardId)) continue;
      const after = checkpoints[shardId];
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      iterators.set(shardId, ShardIterator);
    }
    lastScan = Date.now();
  }

  function append(shardId: string, records: _Record[]): void {
    const lines = records
      .map((record) => {
        const event = eventOfStreamRecord(record as StreamRecord);
        return (
          event && JSON.stringify({ source: event.source, 'detail-type': event.detailType, time: event.detail.at, detail: event.detail })
        );
      })
      .filter((line): line is string => line !== undefined);
    if (lines.length > 0) appendFileSync(options.file, `${lines.join('\n')}\n`);
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) {
      checkpoints[shardId] = last;
      writeFileSync(options.checkpointFile, JSON.stringify(checkpoints));
    }
  }

  async function poll(): Promise<void> {
    if (Date.now() - lastScan > SHARD_SCAN_MS) await scanShards();
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      const { Records, NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      if (Records?.length) append(shardId, Records);
      iterators.set(shardId, NextShardIterator);
    }
  }

  const done = (async () => {
    while (!stopped) {
      try {
        await poll();
      } catch (error) {
        options.onError?.(error);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    tables.destroy();
    streams.destroy();
  })();

  return {
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}
