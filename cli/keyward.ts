#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { readLocalState } from '#local/local-state.ts';
import { tenantPattern } from '#shared/domain/tenant.ts';
import { deployedStackEnvironment } from './deployed-stack.ts';
import type { Query, RequestBody } from '#shared/client/keyward-client.ts';
import { CliError, DEFAULT_ENDPOINT, client, connect, normaliseEndpoint } from './api-client.ts';
import { saveCredentials } from './credentials.ts';
import { auditTable, details, keyDetails, keyTable, paint, printable, printJson, relativeTime, secretNotice } from './output.ts';
import { ask } from './prompt.ts';

const program = new Command()
  .name('keyward')
  .description('Keyward command line: manage a Keyward deployment')
  .showHelpAfterError();

program
  .command('bootstrap')
  .description("Create a tenant and its protected system key, and print the key once. Locally it finds the store of a running 'npm start' by itself; with --stage it uses that deployed stack.")
  .requiredOption('--tenant <id>', 'tenant id: 2-63 lowercase letters, digits or dashes', (value: string) => {
    if (!tenantPattern.test(value)) throw new InvalidArgumentError('use 2-63 lowercase letters, digits or dashes, starting with a letter or digit.');
    return value;
  })
  .option('--json', 'print {"tenant", "keyId", "apiKey"} as JSON')
  .option('--stage <stage>', "bootstrap in the deployed stack of this stage, with your AWS credentials (the stack's table and KMS key)")
  .action(async (options: { tenant: string; json?: boolean; stage?: string }) => {
    // The runtime reads its configuration once: point it at the store before loading it.
    if (options.stage) {
      try {
        Object.assign(process.env, await deployedStackEnvironment(options.stage));
      } catch (error) {
        fail((error as Error).message);
      }
    } else {
      const local = readLocalState();
      if (local && !process.env.KEYWARD_DYNAMODB_ENDPOINT) {
        process.env.KEYWARD_DYNAMODB_ENDPOINT = local.dynamoDbEndpoint;
        process.env.KEYWARD_TABLE_NAME ??= local.tableName;
        process.env.KEYWARD_KEYRING_FILE ??= local.keyringFile;
      }
      if (!process.env.KEYWARD_DYNAMODB_ENDPOINT) {
        fail('No running Keyward found: start it with `npm start` in this folder (or pass --stage <stage> for a deployed one), then run bootstrap again.');
      }
    }
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    const { getAdapters } = await import('#shared/runtime.ts');
    const { bootstrapTenant } = await import('#shared/services/bootstrap.ts');
    try {
      const result = await bootstrapTenant(getAdapters(), options.tenant, new Date());
      if (options.json) {
        console.log(JSON.stringify(result));
      } else {
        console.log(`Created tenant '${result.tenant}'. Its system key (id ${result.keyId}) is shown only this once; store it now:\n\n  ${result.apiKey}\n`);
      }
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
  });

// ---- API commands -------------------------------------------------------------------------

interface JsonOption {
  json?: boolean;
}

/** Runs a command's action; a failure prints the API's message (and code) on stderr and exits 1. */
function run<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof CliError) {
        const code = error.code ? ` (${error.code})` : '';
        console.error(`${paint('red', 'keyward:', process.stderr)} ${printable(error.message)}${code}`);
      } else {
        console.error(`${paint('red', 'keyward:', process.stderr)} ${printable(error instanceof Error ? error.message : String(error))}`);
      }
      process.exitCode = 1;
    }
  };
}

function positiveInteger(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return number;
  };
}

/** `a,b, c` → ["a", "b", "c"]; an empty string clears the list. */
function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function oneOf(name: string, values: string[]) {
  return (value: string): string => {
    if (!values.includes(value)) throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}.`);
    return value;
  };
}

const keyPath = (keyId: string) => ({ params: { path: { keyId } } });

/** ` --name value` for each given option, quoted for a POSIX shell where needed, so a printed command runs as shown. */
function shellOptions(options: Record<string, string | number | undefined>): string {
  const quote = (value: string) => (/^[A-Za-z0-9._:@/=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
  return Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` --${name} ${printable(quote(String(value)))}`)
    .join('');
}

function withJson(command: Command, description = "print the API's JSON answer"): Command {
  return command.option('--json', description);
}

program
  .command('login')
  .description('Trade an API key for a one-hour token and save it (with the endpoint) in your config directory, readable by you only. The key comes from KEYWARD_API_KEY or a hidden prompt, never from an argument, and is not saved.')
  .option('--endpoint <url>', "the API's base URL", DEFAULT_ENDPOINT)
  .option('--json', "print the API's JSON answer, without the token")
  .action(
    run(async (options: { endpoint: string } & JsonOption) => {
      const endpoint = normaliseEndpoint(options.endpoint);
      let apiKey = process.env.KEYWARD_API_KEY?.trim();
      if (!apiKey) {
        if (!process.stdin.isTTY) throw new CliError('No API key: set KEYWARD_API_KEY, or run `keyward login` on a terminal to be asked for it.');
        apiKey = await ask('API key (input hidden): ', { hidden: true });
        if (!apiKey) throw new CliError('No API key entered: paste the key (kw_…) when asked.');
      }
      const body = await connect(endpoint).call((http) => http.POST('/v1/authentication', { body: { apiKey, expiresIn: 3600 } }));
      const file = saveCredentials({ endpoint, token: body.token, tokenExpiresAt: body.expiresAt });
      if (options.json) {
        const { token: _token, ...rest } = body;
        return printJson({ endpoint, ...rest });
      }
      console.log(`Logged in to ${endpoint} as key '${printable(body.key.name)}' (${body.key.id}, ${body.key.type}) of tenant '${body.key.tenant}'.`);
      console.log(`The token expires ${relativeTime(body.expiresAt)} (${body.expiresAt}); it is saved in ${file}.`);
    }),
  );

withJson(program.command('whoami').description('Show the key you are using: its tenant, type, scopes and status')).action(
  run(async (options: JsonOption) => {
    const api = client();
    const body = await api.call((http) => http.GET('/v1/whoami'));
    if (options.json) return printJson(body);
    const credential = api.session.auth.kind === 'token' ? `token from \`keyward login\`, expires ${relativeTime(api.session.auth.expiresAt)}` : 'KEYWARD_API_KEY (x-api-key)';
    console.log(
      details([
        ['Endpoint', api.session.endpoint],
        ['Tenant', body.tenant],
        ['Key', `${body.key.name} (${body.key.id})`],
        ['Type', body.key.type],
        ['Scopes', body.scopes.join(' ')],
        ['Credential', credential],
      ]),
    );
  }),
);

const keys = program.command('keys').description('Create, list, inspect and manage the API keys of your tenant');

withJson(
  keys
    .command('create')
    .description('Create a key and print it once')
    .requiredOption('--name <name>', 'a name that says who uses the key')
    .requiredOption('--type <type>', 'privileged or viewer', oneOf('--type', ['privileged', 'viewer']))
    .option('--scopes <list>', 'custom scopes, comma-separated (e.g. orders:read,orders:write)', list)
    .option('--description <text>', 'a longer description')
    .option('--expires-in-days <days>', 'expire the key after this many days (1-3650)', positiveInteger('--expires-in-days', 1, 3650))
    .option('--recoverable', 'keep the secret recoverable, so keys:admin can reveal it later'),
  "print the API's JSON answer (it holds the full key)",
).action(
  run(async (options: Pick<RequestBody<'post', '/v1/keys'>, 'name' | 'type' | 'scopes' | 'description' | 'expiresInDays' | 'recoverable'> & JsonOption) => {
    const body = await client().call((http) => http.POST('/v1/keys', {
      body: {
        name: options.name,
        type: options.type,
        ...(options.scopes ? { scopes: options.scopes } : {}),
        ...(options.description !== undefined ? { description: options.description } : {}),
        ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {}),
        ...(options.recoverable ? { recoverable: true } : {}),
      },
    }));
    if (options.json) return printJson(body);
    console.log(`Created ${body.key.type} key '${printable(body.key.name)}'.\n`);
    console.log(details([['Key ID', body.key.id], ['Expires', body.key.expiresAt ? `${relativeTime(body.key.expiresAt)} (${body.key.expiresAt})` : 'never']]));
    console.log(secretNotice(body.apiKey));
  }),
);

withJson(
  keys
    .command('list')
    .description('List keys, newest first (or oldest first with --order asc)')
    .option('--search <text>', 'a part of the name, a full key, a preview or a key id')
    .option('--type <type>', 'system, privileged or viewer', oneOf('--type', ['system', 'privileged', 'viewer']))
    .option('--status <status>', 'active, disabled, revoked or expired', oneOf('--status', ['active', 'disabled', 'revoked', 'expired']))
    .option('--order <order>', 'by creation time: desc (newest first, the default) or asc', oneOf('--order', ['desc', 'asc']))
    .option('--limit <n>', 'keys per page (1-100, default 25)', positiveInteger('--limit', 1, 100))
    .option('--cursor <cursor>', 'the next page, from a previous list'),
).action(
  run(async (options: Omit<Query<'get', '/v1/keys'>, 'limit'> & { limit?: number } & JsonOption) => {
    // Query values are text: the document describes limit as a string of digits.
    const filters = { search: options.search, type: options.type, status: options.status, order: options.order, limit: options.limit?.toString() };
    const body = await client().call((http) => http.GET('/v1/keys', { params: { query: { ...filters, cursor: options.cursor } } }));
    if (options.json) return printJson(body);
    if (body.items.length === 0) console.log('No keys found.');
    else console.log(keyTable(body.items));
    // A cursor continues only the listing it came from, so the hint repeats every filter.
    if (body.nextCursor) console.log(`\nMore keys: keyward keys list${shellOptions(filters)} --cursor ${printable(body.nextCursor)}`);
  }),
);

withJson(keys.command('get').description('Show one key').argument('<id>', 'key id')).action(
  run(async (id: string, options: JsonOption) => {
    const body = await client().call((http) => http.GET('/v1/keys/{keyId}', keyPath(id)));
    if (options.json) return printJson(body);
    console.log(keyDetails(body));
  }),
);

withJson(
  keys
    .command('update')
    .description("Change a key's name, description or scopes")
    .argument('<id>', 'key id')
    .option('--name <name>', 'the new name')
    .option('--description <text>', 'the new description')
    .option('--scopes <list>', 'the new custom scopes, comma-separated ("" clears them)', list),
).action(
  run(async (id: string, options: { name?: string; description?: string; scopes?: string[] } & JsonOption) => {
    const change = {
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
      ...(options.scopes !== undefined ? { scopes: options.scopes } : {}),
    };
    if (Object.keys(change).length === 0) throw new CliError('Nothing to update: pass --name, --description or --scopes.');
    const body = await client().call((http) => http.PATCH('/v1/keys/{keyId}', { ...keyPath(id), body: change }));
    if (options.json) return printJson(body);
    console.log(`Updated key ${body.id}.\n`);
    console.log(keyDetails(body));
  }),
);

for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
  withJson(keys.command(name).description(enabled ? 'Let a disabled key authenticate again' : 'Stop a key from authenticating until it is enabled again').argument('<id>', 'key id')).action(
    run(async (id: string, options: JsonOption) => {
      const body = await client().call((http) => http.PATCH('/v1/keys/{keyId}', { ...keyPath(id), body: { enabled } }));
      if (options.json) return printJson(body);
      console.log(`Key ${body.id} ('${printable(body.name)}') is now ${body.status}.`);
    }),
  );
}

withJson(
  keys
    .command('regenerate')
    .description('Give a key a new secret (same key id) and print it once')
    .argument('<id>', 'key id')
    .option('--grace-period <seconds>', 'keep the old secret working this long (0-604800, default 0)', positiveInteger('--grace-period', 0, 604_800)),
  "print the API's JSON answer (it holds the full key)",
).action(
  run(async (id: string, options: { gracePeriod?: number } & JsonOption) => {
    const body = await client().call((http) =>
      http.POST('/v1/keys/{keyId}/regenerate', { ...keyPath(id), body: options.gracePeriod !== undefined ? { gracePeriodSeconds: options.gracePeriod } : {} }),
    );
    if (options.json) return printJson(body);
    const old = options.gracePeriod ? `The old secret keeps working for ${options.gracePeriod} seconds.` : 'The old secret stopped working.';
    console.log(`Regenerated key ${body.key.id} ('${printable(body.key.name)}'). ${old}`);
    console.log(secretNotice(body.apiKey));
  }),
);

withJson(keys.command('revoke').description('Revoke a key for good (irreversible)').argument('<id>', 'key id').option('--reason <text>', 'why, for the audit log')).action(
  run(async (id: string, options: { reason?: string } & JsonOption) => {
    const body = await client().call((http) => http.POST('/v1/keys/{keyId}/revoke', { ...keyPath(id), body: options.reason !== undefined ? { reason: options.reason } : {} }));
    if (options.json) return printJson(body);
    console.log(`Revoked key ${body.id} ('${printable(body.name)}').`);
  }),
);

withJson(
  keys.command('delete').description('Delete a key for good; asks first on a terminal').argument('<id>', 'key id').option('--yes', 'do not ask (needed when not on a terminal)'),
  'print {"id", "deleted": true} as JSON',
).action(
  run(async (id: string, options: { yes?: boolean } & JsonOption) => {
    if (!options.yes) {
      if (!process.stdin.isTTY) throw new CliError(`Refusing to delete key ${id} without confirmation: pass --yes.`);
      const answer = await ask(`Delete key ${id} for good? This cannot be undone. [y/N] `);
      if (!/^y(es)?$/i.test(answer)) throw new CliError('Not deleted.');
    }
    await client().call((http) => http.DELETE('/v1/keys/{keyId}', keyPath(id)));
    if (options.json) return printJson({ id, deleted: true });
    console.log(`Deleted key ${id}.`);
  }),
);

withJson(keys.command('reveal').description('Print the full key of a recoverable key (keys:admin only; audited)').argument('<id>', 'key id')).action(
  run(async (id: string, options: JsonOption) => {
    const body = await client().call((http) => http.GET('/v1/keys/{keyId}/secret', keyPath(id)));
    if (options.json) return printJson(body);
    console.log(printable(body.apiKey));
  }),
);

withJson(
  program
    .command('audit')
    .description('Show audit events, newest first')
    .option('--key-id <id>', 'only the events of this key')
    .option('--limit <n>', 'events per page (1-100)', positiveInteger('--limit', 1, 100))
    .option('--cursor <cursor>', 'the next page, from a previous audit'),
).action(
  run(async (options: { keyId?: string; limit?: number; cursor?: string } & JsonOption) => {
    const body = await client().call((http) => http.GET('/v1/audit', { params: { query: { keyId: options.keyId, limit: options.limit?.toString(), cursor: options.cursor } } }));
    if (options.json) return printJson(body);
    if (body.items.length === 0) console.log('No audit events found.');
    else console.log(auditTable(body.items));
    if (body.nextCursor) console.log(`\nMore events: keyward audit${options.keyId ? ` --key-id ${options.keyId}` : ''} --cursor ${printable(body.nextCursor)}`);
  }),
);

function fail(message: string): never {
  console.error(`keyward: ${message}`);
  process.exit(1);
}

await program.parseAsync();
