/**
 * The local service in a process of its own, for the load run and the fault tests: an
 * in-memory DynamoDB Local, its table, a bootstrapped tenant and the local HTTP server on a free
 * port. Prints one line `ready {"port","dynamoDbPid","apiKey"}` once it serves; SIGTERM, or
 * the end of its standard input, stops both. `--no-rate-limits` turns the local server's
 * per-IP limits off (a load run comes from one address). The configuration comes from the
 * environment, as for `npm start`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';

const TENANT = 'load';

async function main() {
  const dynamoDb = await startDynamoDbLocal();
  const stop = async (code: number) => {
    await dynamoDb.stop();
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  // Started by a program through a pipe: when that program goes, so does this stack.
  if (!process.stdin.isTTY) process.stdin.on('end', () => void stop(0)).resume();
  try {
    process.env.KEYWARD_DYNAMODB_ENDPOINT = dynamoDb.endpoint;
    const files = mkdtempSync(join(tmpdir(), 'keyward-stack-'));
    process.env.KEYWARD_KEYRING_FILE ??= join(files, 'keyring.key');
    // As under `npm start`: uses are recorded in a file and counted before each read.
    process.env.KEYWARD_USES_FILE ??= join(files, 'uses.ndjson');
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    // Imported only now: the runtime reads the environment when it loads.
    const { getConfig } = await import('#shared/config.ts');
    const { getAdapters } = await import('#shared/runtime.ts');
    const { ensureTable } = await import('#shared/adapters/dynamodb/table.ts');
    const { bootstrapTenant } = await import('#shared/services/bootstrap.ts');
    const { createLocalServer } = await import('#local/server.ts');
    await ensureTable(getAdapters().dynamoDb, getConfig().tableName);
    const { apiKey } = await bootstrapTenant(getAdapters(), TENANT, new Date());
    const rateLimits = process.argv.includes('--no-rate-limits') ? { tokenRoutesPerMinute: 0, apiPerMinute: 0 } : undefined;
    const server = createLocalServer(rateLimits ? { rateLimits } : {});
    // Many clients on one address: keep their connections open between requests.
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    console.log(`ready ${JSON.stringify({ port, dynamoDbPid: dynamoDb.pid, apiKey })}`);
  } catch (error) {
    console.error(error);
    await stop(1);
  }
}

await main();
