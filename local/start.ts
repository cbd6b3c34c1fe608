import { join } from 'node:path';
import { loadConfig } from '#shared/config.ts';
import { hasJava, JAVA_MISSING, startDynamoDbLocal, type RunningDynamoDb } from './dynamodb-local.ts';
import { clearLocalState, DATA_DIR, writeLocalState } from './local-state.ts';

const PURGE_EVERY_MS = 60_000;
const DEFAULT_TENANT = 'default';

async function main() {
  if (!hasJava()) {
    console.error(JAVA_MISSING);
    process.exit(1);
  }
  const { port } = loadConfig(process.env);
  const dynamoDb = await startDynamoDbLocal({ dbPath: join(DATA_DIR, 'dynamodb') });
  try {
    await serve(port, dynamoDb);
  } catch (error) {
    await dynamoDb.stop();
    throw error;
  }
}

async function serve(port: number, dynamoDb: RunningDynamoDb) {
  // The launcher plays the part of the Lambda environment: it sets the variables the
  // functions would get from the CDK stack, unless the user set them.
  process.env.KEYWARD_DYNAMODB_ENDPOINT = dynamoDb.endpoint;
  process.env.KEYWARD_ISSUER ??= `http://127.0.0.1:${port}`;
  process.env.KEYWARD_KEYRING_FILE ??= join(DATA_DIR, 'keyring.key');
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // Imported only now: the logger and the runtime read the environment when they load.
  const { getConfig } = await import('#shared/config.ts');
  const { getAdapters } = await import('#shared/runtime.ts');
  const { ensureTable } = await import('#shared/adapters/dynamodb/table.ts');
  const { bootstrapTenant } = await import('#shared/services/bootstrap.ts');
  const { createLocalServer } = await import('./server.ts');
  const { loadHandler } = await import('./invoke.ts');
  const { lambdaContext } = await import('./proxy-event.ts');
  const config = getConfig();
  const adapters = getAdapters();
  await ensureTable(adapters.dynamoDb, config.tableName);

  if (!(await adapters.store.tenants.get(DEFAULT_TENANT))) {
    const { apiKey } = await bootstrapTenant(adapters, DEFAULT_TENANT, new Date());
    console.log(`\nCreated tenant '${DEFAULT_TENANT}'. Its system key is shown only this once; store it now:\n\n  ${apiKey}\n`);
  }

  const server = createLocalServer({ onRequest: (line) => console.log(line) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  writeLocalState({ dynamoDbEndpoint: dynamoDb.endpoint, tableName: config.tableName, keyringFile: config.keyringFile, pid: process.pid });
  console.log(`Keyward is serving http://127.0.0.1:${port} (OpenAPI at /openapi.json). Ctrl-C stops it.`);

  const purge = setInterval(async () => {
    try {
      const handler = await loadHandler('purge-expired-keys');
      const result = (await handler({} as never, lambdaContext('purge-expired-keys'))) as unknown as { purged: number };
      if (result.purged > 0) console.log(`purge: ${result.purged} expired or revoked keys removed`);
    } catch (error) {
      console.error('purge failed:', error);
    }
  }, PURGE_EVERY_MS);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    clearInterval(purge);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dynamoDb.stop();
    clearLocalState();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
