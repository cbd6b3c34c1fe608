import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Cipher } from '#shared/ports.ts';

const readCommands = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
const writeCommands = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

export interface CallCounts {
  /** Calls per DynamoDB command name, such as `GetItemCommand`. */
  commands: Record<string, number>;
  reads: number;
  writes: number;
  scans: number;
  /** Items returned by Query and Scan calls (`Count`). */
  itemsReturned: number;
  /** Items DynamoDB examined for those calls before any filter (`ScannedCount`). */
  itemsScanned: number;
  /** The largest `Limit` a Query asked for: the size of one page of lookahead. */
  largestQueryLimit: number;
  cipherCalls: number;
}

const emptyCounts = (): CallCounts => ({
  commands: {},
  reads: 0,
  writes: 0,
  scans: 0,
  itemsReturned: 0,
  itemsScanned: 0,
  largestQueryLimit: 0,
  cipherCalls: 0,
});

/**
 * Counts what the runtime asks of DynamoDB and of its cipher. The DocumentClient shares its
 * DynamoDBClient's middleware stack, so one middleware sees every command the store sends.
 */
export class CallCounter {
  private counts = emptyCounts();

  reset(): void {
    this.counts = emptyCounts();
  }

  snapshot(): CallCounts {
    return { ...this.counts, commands: { ...this.counts.commands } };
  }

  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        const counts = this.counts;
        counts.commands[name] = (counts.commands[name] ?? 0) + 1;
        if (readCommands.has(name)) counts.reads++;
        if (writeCommands.has(name)) counts.writes++;
        if (name === 'ScanCommand') counts.scans++;
        const limit = (args.input as { Limit?: number }).Limit;
        if (name === 'QueryCommand' && limit !== undefined) counts.largestQueryLimit = Math.max(counts.largestQueryLimit, limit);
        const result = await next(args);
        if (name === 'QueryCommand' || name === 'ScanCommand') {
          const output = result.output as { Count?: number; ScannedCount?: number; Items?: unknown[] };
          counts.itemsReturned += output.Count ?? output.Items?.length ?? 0;
          counts.itemsScanned += output.ScannedCount ?? output.Count ?? 0;
        }
        return result;
      },
      { step: 'initialize', name: 'benchCallCounter' },
    );
  }

  /** Wraps the cipher in place; it must happen before the services are built, as they keep the instance. */
  wrapCipher(cipher: Cipher): void {
    const seal = cipher.seal.bind(cipher);
    const open = cipher.open.bind(cipher);
    cipher.seal = (plaintext, context) => {
      this.counts.cipherCalls++;
      return seal(plaintext, context);
    };
    cipher.open = (sealed, context) => {
      this.counts.cipherCalls++;
      return open(sealed, context);
    };
  }
}
