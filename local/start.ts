import { join } from 'node:path';
import { loadConfig, useConfig } from '#shared/config.ts';
import { hasJava, JAVA_MISSING, startDynamoDbLocal, type RunningDynamoDb } from './dynamodb-local.ts';
import { startIdentityProvider, type RunningIdentityProvider } from './identity-provider.ts';
import { addPerson, localProviderEntry, readPeople } from './local-people.ts';
import { clearLocalState, DATA_DIR, writeLocalState } from './local-state.ts';

const PURGE_EVERY_MS = 60_000;
const EXPIRY_NOTICES_EVERY_MS = 3600_000;
const USES_EVERY_MS = 1000;
const DEFAULT_TENANT = 'default';
const DEFAULT_ADMIN = 'admin@default.local';

async function main() {
  if (!hasJava()) {
    console.error(JAVA_MISSING);
    process.exit(1);
  }
  const { port } = loadConfig(process.env);
  const dynamoDb = await startDynamoDbLocal({ dbPath: join(DATA_DIR, 'dynamodb') });
  let identityProvider: RunningIdentityProvider | undefined;
  try {
    identityProvider = await startIdentityProvider({ port: identityProviderPort(port), consoleOrigin: `http://127.0.0.1:${port}` });
    await serve(port, dynamoDb, identityProvider);
  } catch (error) {
    await identityProvider?.close();
    await dynamoDb.stop();
    throw error;
  }
}

/** The local OpenID Provider listens on IDP_PORT, by default the port after Keyward's. */
function identityProviderPort(port: number): number {
  const value = Number(process.env.IDP_PORT ?? port + 1);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error('IDP_PORT must be a port number from 1 to 65535.');
  return value;
}

/** The providers Keyward trusts: the local one, beside any the user configured. */
function trustedProviders(localIssuer: string): string {
  const local = localProviderEntry(localIssuer);
  const configured = loadConfig(process.env).identityProviders.filter((provider) => provider.id !== local.id);
  return JSON.stringify([local, ...configured]);
}

async function serve(port: number, dynamoDb: RunningDynamoDb, identityProvider: RunningIdentityProvider) {
  // The launcher plays the part of the Lambda environment: the configuration the functions
  // would get from the CDK stack, where the user did not set it, given to them explicitly.
  const usesFile = process.env.KEYWARD_USES_FILE ?? join(DATA_DIR, 'uses.ndjson');
  const config = loadConfig({
    ...process.env,
    KEYWARD_DYNAMODB_ENDPOINT: dynamoDb.endpoint,
    KEYWARD_ISSUER: process.env.KEYWARD_ISSUER ?? `http://127.0.0.1:${port}`,
    KEYWARD_KEYRING_FILE: process.env.KEYWARD_KEYRING_FILE ?? join(DATA_DIR, 'keyring.key'),
    KEYWARD_USES_FILE: usesFile,
    KEYWARD_IDENTITY_PROVIDERS: trustedProviders(identityProvider.issuer),
  });
  useConfig(config);
  // Powertools' own settings are read when the logger and metrics load, so they are set before.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const { getAdapters } = await import('#shared/runtime.ts');
  const { ensureTable } = await import('#shared/adapters/dynamodb/table.ts');
  const { bootstrapTenant } = await import('#shared/services/bootstrap.ts');
  const { createLocalServer } = await import('./server.ts');
  const { loadHandler } = await import('./invoke.ts');
  const { lambdaContext } = await import('./proxy-event.ts');
  const { startEventLog } = await import('./event-log.ts');
  const { localUseCounter } = await import('./use-counter.ts');
  const adapters = getAdapters();
  await ensureTable(adapters.dynamoDb, config.tableName);
  // Every audit event, as EventBridge would publish it, one JSON line each.
  const events = startEventLog({
    endpoint: dynamoDb.endpoint,
    region: config.region,
    tableName: config.tableName,
    file: join(DATA_DIR, 'events.ndjson'),
    checkpointFile: join(DATA_DIR, 'events.checkpoint.json'),
    onError: (error) => console.error('events:', error instanceof Error ? error.message : error),
  });

  if (!(await adapters.store.tenants.get(DEFAULT_TENANT))) {
    const { apiKey } = await bootstrapTenant(adapters, DEFAULT_TENANT, new Date());
    console.log(`\nCreated tenant '${DEFAULT_TENANT}'. Its system key is shown only this once; store it now:\n\n  ${apiKey}\n`);
  }
  if (readPeople().length === 0) {
    const { email, password } = await addPerson({ email: DEFAULT_ADMIN, tenant: DEFAULT_TENANT, role: 'admin', name: 'Default admin' });
    console.log(
      `Sign in to the console at http://127.0.0.1:${port}/ with\n  e-mail:    ${email}\n  password:  ${password}\n(shown only this once; add people with npm run keyward -- people add)\n`,
    );
  }

  // Every use, as the log subscription counts it in AWS: every second, and before each usage read.
  const uses = localUseCounter();
  const countUses = async () =>
    uses?.drain().catch((error: unknown) => console.error('usage:', error instanceof Error ? error.message : error));
  const counting = setInterval(countUses, USES_EVERY_MS);

  const server = createLocalServer({ onRequest: (line) => console.log(line) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  writeLocalState({ dynamoDbEndpoint: dynamoDb.endpoint, tableName: config.tableName, keyringFile: config.keyringFile, pid: process.pid });
  console.log(
    `Keyward is serving http://127.0.0.1:${port} (OpenAPI at /openapi.json), its identity provider ${identityProvider.issuer}. Ctrl-C stops both.`,
  );

  const runJob = async (name: string, report: (result: Record<string, number>) => string | undefined) => {
    try {
      const handler = await loadHandler(name);
      const line = report((await handler({} as never, lambdaContext(name))) as unknown as Record<string, number>);
      if (line) console.log(line);
    } catch (error) {
      console.error(`${name} failed:`, error);
    }
  };
  const purge = setInterval(
    () => runJob('purge-expired-keys', (r) => (r.purged ? `purge: ${r.purged} expired or revoked keys removed` : undefined)),
    PURGE_EVERY_MS,
  );
  const notices = () => runJob('notify-expiring-keys', (r) => (r.noticed ? `expiry notices: ${r.noticed} written` : undefined));
  const noticing = setInterval(notices, EXPIRY_NOTICES_EVERY_MS);
  void notices();

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    clearInterval(purge);
    clearInterval(noticing);
    clearInterval(counting);
    await countUses();
    await events.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await identityProvider.close();
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
