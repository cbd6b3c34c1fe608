#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { readLocalState } from '#local/local-state.ts';
import { tenantPattern } from '#shared/domain/tenant.ts';
import { deployedStackEnvironment } from './deployed-stack.ts';
import type { Query, RequestBody } from '#shared/client/keyward-client.ts';
import { CliError, DEFAULT_ENDPOINT, client, connect, normaliseEndpoint } from './api-client.ts';
import { saveCredentials } from './credentials.ts';
import { metaValue } from '#shared/client/meta-text.ts';
import {
  auditTable,
  details,
  fullKeyDetails,
  keyTable,
  paint,
  policyDetails,
  printable,
  printJson,
  relativeTime,
  secretNotice,
  sparkline,
  topKeysTable,
  usageTable,
  type TenantPolicy,
  type UsageCounts,
} from './output.ts';
import { ask } from './prompt.ts';

const program = new Command().name('keyward').description('Keyward command line: manage a Keyward deployment').showHelpAfterError();

program
  .command('bootstrap')
  .description(
    "Create a tenant and its protected system key, and print the key once. Locally it finds the store of a running 'npm start' by itself; with --stage it uses that deployed stack.",
  )
  .requiredOption('--tenant <id>', 'tenant id: 2-63 lowercase letters, digits or dashes', (value: string) => {
    if (!tenantPattern.test(value))
      throw new InvalidArgumentError('use 2-63 lowercase letters, digits or dashes, starting with a letter or digit.');
    return value;
  })
  .option('--json', 'print {"tenant", "keyId", "apiKey"} as JSON')
  .option('--stage <stage>', "bootstrap in the deployed stack of this stage, with your AWS credentials (the stack's table and KMS key)")
  .action(async (options: { tenant: string; json?: boolean; stage?: string }) => {
    // The store to bootstrap in: the deployed stack's, or the running local one's, as an explicit configuration.
    let settings: Record<string, string | undefined> = { ...process.env };
    if (options.stage) {
      try {
        settings = { ...settings, ...(await deployedStackEnvironment(options.stage)) };
      } catch (error) {
        fail((error as Error).message);
      }
    } else {
      const local = readLocalState();
      if (local && !settings.KEYWARD_DYNAMODB_ENDPOINT) {
        settings = {
          KEYWARD_TABLE_NAME: local.tableName,
          KEYWARD_KEYRING_FILE: local.keyringFile,
          ...settings,
          KEYWARD_DYNAMODB_ENDPOINT: local.dynamoDbEndpoint,
        };
      }
      if (!settings.KEYWARD_DYNAMODB_ENDPOINT) {
        fail(
          'No running Keyward found: start it with `npm start` in this folder (or pass --stage <stage> for a deployed one), then run bootstrap again.',
        );
      }
    }
    // Powertools reads its own settings when the logger loads.
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    const { loadConfig } = await import('#shared/config.ts');
    const { createAdapters } = await import('#shared/runtime.ts');
    const { bootstrapTenant } = await import('#shared/services/bootstrap.ts');
    try {
      const result = await bootstrapTenant(createAdapters(loadConfig(settings)), options.tenant, new Date());
      if (options.json) {
        console.log(JSON.stringify(result));
      } else {
        console.log(
          `Created tenant '${result.tenant}'. Its system key (id ${result.keyId}) is shown only this once; store it now:\n\n  ${result.apiKey}\n`,
        );
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
    if (!/^\d+$/.test(value) || number < min || number > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
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

// ---- usage controls ----

type KeyChange = RequestBody<'patch', '/v1/keys/{keyId}'>;
type RateLimit = NonNullable<KeyChange['rateLimit']>;
type Refill = NonNullable<NonNullable<KeyChange['credits']>['refill']>;
type Meta = NonNullable<KeyChange['meta']>;

const WINDOW_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const RATE_HINT = 'write uses/window with the window in s, m, h or d, e.g. 100/60s, 100/1m, 1000/1h, 10000/1d';

/** `100/60s`, `100/1m`, `1000/1h`, `10000/1d` (a missing count is 1: `100/m`). */
function rateLimit(value: string): RateLimit {
  const match = /^(\d+)\/(\d*)([smhd])$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`not a rate limit: ${RATE_HINT}.`);
  const limit = Number(match[1]);
  const windowSeconds = Number(match[2] || '1') * WINDOW_UNITS[match[3]!]!;
  if (limit < 1 || limit > 1_000_000) throw new InvalidArgumentError('the number of uses must be from 1 to 1000000.');
  if (windowSeconds < 1 || windowSeconds > 86_400) throw new InvalidArgumentError('the window must be from 1s to 1d (86400s).');
  return { limit, windowSeconds };
}

/** `1000/monthly` or `50/daily`. */
function refill(value: string): Refill {
  const match = /^(\d+)\/(daily|monthly)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('write amount/interval, e.g. 1000/monthly or 50/daily.');
  const amount = Number(match[1]);
  if (amount < 1 || amount > 1_000_000_000) throw new InvalidArgumentError('the amount must be from 1 to 1000000000.');
  return { amount, interval: match[2] as Refill['interval'] };
}

/** Collects repeated `--meta key=value` into one object. */
function metaPair(value: string, previous: Meta | false | undefined): Meta {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('write key=value, e.g. --meta plan=pro (repeat --meta for more).');
  return { ...(previous || {}), [value.slice(0, at)]: metaValue(value.slice(at + 1)) };
}

const META_HELP =
  'your own data as key=value, repeatable; numbers, true, false and null are JSON values, other values text (quote a value to keep it text: code=\'"5"\')';
const REFILL_HELP = 'with --credits: set the credits back to amount daily or monthly, e.g. 1000/monthly';

/** The usage options of `keys create` and `keys update`; false is a `--no-…` option. */
interface UsageOptions {
  owner?: string | false;
  meta?: Meta | false;
  rateLimit?: RateLimit | false;
  credits?: number | false;
  refill?: Refill;
  allowedIps?: string[] | false;
}

/** The usage fields to send: given ones as values, `--no-…` ones as null (which removes them). */
function usageChange(options: UsageOptions): Pick<KeyChange, 'ownerId' | 'meta' | 'rateLimit' | 'credits' | 'allowedIps'> {
  if (options.refill && typeof options.credits !== 'number')
    throw new CliError('--refill needs --credits: credits and their refill are set together.');
  const value = <T>(given: T | false | undefined) => (given === false ? null : given);
  const fields = {
    ownerId: value(options.owner),
    meta: value(options.meta),
    rateLimit: value(options.rateLimit),
    credits:
      typeof options.credits === 'number'
        ? { remaining: options.credits, ...(options.refill ? { refill: options.refill } : {}) }
        : value(options.credits),
    allowedIps: value(options.allowedIps),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, given]) => given !== undefined));
}

/** `--name N|none`. Commander turns a parsed null into '', so none stays 'none' until the action maps it to null. */
function orNone<T>(parse: (value: string) => T) {
  return (value: string): T | 'none' => (value === 'none' ? 'none' : parse(value));
}

const noneToNull = <T>(value: T | 'none'): T | null => (value === 'none' ? null : value);

function trueOrFalse(name: string) {
  return (value: string): boolean => {
    if (value !== 'true' && value !== 'false') throw new InvalidArgumentError(`${name} must be true or false.`);
    return value === 'true';
  };
}

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
  .description(
    'Trade an API key for a one-hour token and save it (with the endpoint) in your config directory, readable by you only. The key comes from KEYWARD_API_KEY or a hidden prompt, never from an argument, and is not saved.',
  )
  .option('--endpoint <url>', "the API's base URL", DEFAULT_ENDPOINT)
  .option('--json', "print the API's JSON answer, without the token")
  .action(
    run(async (options: { endpoint: string } & JsonOption) => {
      const endpoint = normaliseEndpoint(options.endpoint);
      let apiKey = process.env.KEYWARD_API_KEY?.trim();
      if (!apiKey) {
        if (!process.stdin.isTTY)
          throw new CliError('No API key: set KEYWARD_API_KEY, or run `keyward login` on a terminal to be asked for it.');
        apiKey = await ask('API key (input hidden): ', { hidden: true });
        if (!apiKey) throw new CliError('No API key entered: paste the key (kw_…) when asked.');
      }
      const body = await connect(endpoint).call((http) => http.POST('/v1/authentication', { body: { apiKey, expiresIn: 3600 } }));
      const file = saveCredentials({ endpoint, token: body.token, tokenExpiresAt: body.expiresAt });
      if (options.json) {
        const { token: _token, ...rest } = body;
        return printJson({ endpoint, ...rest });
      }
      console.log(
        `Logged in to ${endpoint} as key '${printable(body.key.name)}' (${body.key.id}, ${body.key.type}) of tenant '${body.key.tenant}'.`,
      );
      console.log(`The token expires ${relativeTime(body.expiresAt)} (${body.expiresAt}); it is saved in ${file}.`);
    }),
  );

withJson(program.command('whoami').description('Show the key you are using: its tenant, type, scopes and status')).action(
  run(async (options: JsonOption) => {
    const api = client();
    const body = await api.call((http) => http.GET('/v1/whoami'));
    if (options.json) return printJson(body);
    const credential =
      api.session.auth.kind === 'token'
        ? `token from \`keyward login\`, expires ${relativeTime(api.session.auth.expiresAt)}`
        : 'KEYWARD_API_KEY (x-api-key)';
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
    .option('--recoverable', 'keep the secret recoverable, so keys:admin can reveal it later')
    .option('--owner <id>', 'the user or customer in your own system the key belongs to')
    .option('--meta <key=value>', META_HELP, metaPair)
    .option('--rate-limit <uses/window>', `at most this many uses per window: ${RATE_HINT}`, rateLimit)
    .option('--credits <n>', 'uses the key has left (0-1000000000); each use costs 1', positiveInteger('--credits', 0, 1_000_000_000))
    .option('--refill <amount/interval>', REFILL_HELP, refill)
    .option('--allowed-ips <list>', 'IPv4/IPv6 addresses or CIDR blocks the key may be used from, comma-separated', list),
  "print the API's JSON answer (it holds the full key)",
).action(
  run(
    async (
      options: Pick<RequestBody<'post', '/v1/keys'>, 'name' | 'type' | 'scopes' | 'description' | 'expiresInDays' | 'recoverable'> &
        UsageOptions &
        JsonOption,
    ) => {
      const usage = usageChange(options) as Pick<
        RequestBody<'post', '/v1/keys'>,
        'ownerId' | 'meta' | 'rateLimit' | 'credits' | 'allowedIps'
      >;
      const body = await client().call((http) =>
        http.POST('/v1/keys', {
          body: {
            name: options.name,
            type: options.type,
            ...(options.scopes ? { scopes: options.scopes } : {}),
            ...(options.description !== undefined ? { description: options.description } : {}),
            ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {}),
            ...(options.recoverable ? { recoverable: true } : {}),
            ...usage,
          },
        }),
      );
      if (options.json) return printJson(body);
      console.log(`Created ${body.key.type} key '${printable(body.key.name)}'.\n`);
      console.log(
        details([
          ['Key ID', body.key.id],
          ['Expires', body.key.expiresAt ? `${relativeTime(body.key.expiresAt)} (${body.key.expiresAt})` : 'never'],
        ]),
      );
      console.log(secretNotice(body.apiKey));
    },
  ),
);

withJson(
  keys
    .command('list')
    .description('List keys, newest first (or oldest first with --order asc)')
    .option('--search <text>', 'a part of the name, a full key, a preview or a key id')
    .option('--type <type>', 'system, privileged or viewer', oneOf('--type', ['system', 'privileged', 'viewer']))
    .option('--status <status>', 'active, disabled, revoked or expired', oneOf('--status', ['active', 'disabled', 'revoked', 'expired']))
    .option('--owner <id>', 'only the keys of this owner')
    .option('--order <order>', 'by creation time: desc (newest first, the default) or asc', oneOf('--order', ['desc', 'asc']))
    .option('--limit <n>', 'keys per page (1-100, default 25)', positiveInteger('--limit', 1, 100))
    .option('--cursor <cursor>', 'the next page, from a previous list'),
).action(
  run(async (options: Omit<Query<'get', '/v1/keys'>, 'limit' | 'ownerId'> & { limit?: number; owner?: string } & JsonOption) => {
    // Query values are text: the document describes limit as a string of digits.
    const filters = {
      search: options.search,
      type: options.type,
      status: options.status,
      owner: options.owner,
      order: options.order,
      limit: options.limit?.toString(),
    };
    const { owner, ...query } = filters;
    const body = await client().call((http) =>
      http.GET('/v1/keys', { params: { query: { ...query, ownerId: owner, cursor: options.cursor } } }),
    );
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
    console.log(fullKeyDetails(body));
  }),
);

withJson(
  keys
    .command('update')
    .description("Change a key's name, description, scopes or usage controls; each --no-… option removes that control")
    .argument('<id>', 'key id')
    .option('--name <name>', 'the new name')
    .option('--description <text>', 'the new description')
    .option('--scopes <list>', 'the new custom scopes, comma-separated ("" clears them)', list)
    .option('--owner <id>', 'the new owner')
    .option('--no-owner', 'remove the owner')
    .option('--meta <key=value>', `${META_HELP}; replaces all of the key's meta`, metaPair)
    .option('--no-meta', 'remove all meta')
    .option('--rate-limit <uses/window>', `the new rate limit: ${RATE_HINT}`, rateLimit)
    .option('--no-rate-limit', 'remove the rate limit')
    .option(
      '--credits <n>',
      'set the credits left (0-1000000000); without --refill, any refill is removed',
      positiveInteger('--credits', 0, 1_000_000_000),
    )
    .option('--refill <amount/interval>', REFILL_HELP, refill)
    .option('--no-credits', 'remove the credits: unlimited uses')
    .option('--allowed-ips <list>', 'the new allowed addresses or CIDR blocks, comma-separated', list)
    .option('--no-allowed-ips', 'remove the allow-list: any address'),
).action(
  run(async (id: string, options: { name?: string; description?: string; scopes?: string[] } & UsageOptions & JsonOption) => {
    const change = {
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
      ...(options.scopes !== undefined ? { scopes: options.scopes } : {}),
      ...usageChange(options),
    };
    if (Object.keys(change).length === 0)
      throw new CliError('Nothing to update: pass --name, --description, --scopes or a usage control (see keyward keys update --help).');
    const body = await client().call((http) => http.PATCH('/v1/keys/{keyId}', { ...keyPath(id), body: change }));
    if (options.json) return printJson(body);
    console.log(`Updated key ${body.id}.\n`);
    console.log(fullKeyDetails(body));
  }),
);

for (const [name, enabled] of [
  ['enable', true],
  ['disable', false],
] as const) {
  withJson(
    keys
      .command(name)
      .description(enabled ? 'Let a disabled key authenticate again' : 'Stop a key from authenticating until it is enabled again')
      .argument('<id>', 'key id'),
  ).action(
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
    .option(
      '--grace-period <seconds>',
      'keep the old secret working this long (0-604800, default 0)',
      positiveInteger('--grace-period', 0, 604_800),
    ),
  "print the API's JSON answer (it holds the full key)",
).action(
  run(async (id: string, options: { gracePeriod?: number } & JsonOption) => {
    const body = await client().call((http) =>
      http.POST('/v1/keys/{keyId}/regenerate', {
        ...keyPath(id),
        body: options.gracePeriod !== undefined ? { gracePeriodSeconds: options.gracePeriod } : {},
      }),
    );
    if (options.json) return printJson(body);
    const old = options.gracePeriod
      ? `The old secret keeps working for ${options.gracePeriod} seconds.`
      : 'The old secret stopped working.';
    console.log(`Regenerated key ${body.key.id} ('${printable(body.key.name)}'). ${old}`);
    console.log(secretNotice(body.apiKey));
  }),
);

withJson(
  keys
    .command('revoke')
    .description('Revoke a key for good (irreversible)')
    .argument('<id>', 'key id')
    .option('--reason <text>', 'why, for the audit log'),
).action(
  run(async (id: string, options: { reason?: string } & JsonOption) => {
    const body = await client().call((http) =>
      http.POST('/v1/keys/{keyId}/revoke', { ...keyPath(id), body: options.reason !== undefined ? { reason: options.reason } : {} }),
    );
    if (options.json) return printJson(body);
    console.log(`Revoked key ${body.id} ('${printable(body.name)}').`);
  }),
);

withJson(
  keys
    .command('delete')
    .description('Delete a key for good; asks first on a terminal')
    .argument('<id>', 'key id')
    .option('--yes', 'do not ask (needed when not on a terminal)'),
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

withJson(
  keys
    .command('revoke-all')
    .description(
      'Revoke every active or disabled key of your tenant but its system key, or only those of one owner or type (keys:admin; irreversible). On a terminal it asks you to type the tenant id',
    )
    .requiredOption('--reason <text>', 'why, for the audit log')
    .option('--owner <id>', 'only the keys of this owner')
    .option('--type <type>', 'only keys of this type: privileged or viewer', oneOf('--type', ['privileged', 'viewer']))
    .option('--yes', 'do not ask (needed when not on a terminal)'),
  'print {"revoked": n} as JSON',
).action(
  run(async (options: { reason: string; owner?: string; type?: 'privileged' | 'viewer'; yes?: boolean } & JsonOption) => {
    const api = client();
    if (!options.yes) {
      if (!process.stdin.isTTY) throw new CliError('Refusing to revoke keys without confirmation: pass --yes.');
      const { tenant } = await api.call((http) => http.GET('/v1/whoami'));
      const which = `every active or disabled ${options.type ?? 'privileged and viewer'} key${options.owner ? ` of owner '${printable(options.owner)}'` : ''}`;
      const answer = await ask(`This revokes ${which} in tenant '${printable(tenant)}' for good. Type the tenant id to confirm: `);
      if (answer !== tenant) throw new CliError('Not revoked: what you typed is not the tenant id.');
    }
    const body = await api.call((http) =>
      http.POST('/v1/keys/revoke-all', {
        body: {
          reason: options.reason,
          ...(options.owner !== undefined ? { ownerId: options.owner } : {}),
          ...(options.type ? { type: options.type } : {}),
        },
      }),
    );
    if (options.json) return printJson(body);
    console.log(`Revoked ${body.revoked} key${body.revoked === 1 ? '' : 's'}.`);
  }),
);

withJson(
  keys.command('reveal').description('Print the full key of a recoverable key (keys:admin only; audited)').argument('<id>', 'key id'),
).action(
  run(async (id: string, options: JsonOption) => {
    const body = await client().call((http) => http.GET('/v1/keys/{keyId}/secret', keyPath(id)));
    if (options.json) return printJson(body);
    console.log(printable(body.apiKey));
  }),
);

const policy = program.command('policy').description("Read or change your tenant's policy for every key");

withJson(policy.command('get').description('Show the tenant policy')).action(
  run(async (options: JsonOption) => {
    const body = await client().call((http) => http.GET('/v1/tenant/policy'));
    if (options.json) return printJson(body);
    console.log(policyDetails(body));
  }),
);

withJson(
  policy
    .command('set')
    .description('Change the tenant policy (keys:admin): reads the current policy, applies the given changes and writes it back whole')
    .option(
      '--max-lifetime-days <days|none>',
      'the longest lifetime a new key may have (1-3650), or none',
      orNone(positiveInteger('--max-lifetime-days', 1, 3650)),
    )
    .option('--require-expiry <true|false>', 'whether every new key must have an expiry', trueOrFalse('--require-expiry'))
    .option(
      '--max-grace-period <seconds>',
      'the longest grace period a regenerate may give (0-604800)',
      positiveInteger('--max-grace-period', 0, 604_800),
    )
    .option(
      '--allowed-ips <list|none>',
      'addresses or CIDR blocks every key of the tenant must be used from, comma-separated, or none (any address)',
      orNone(list),
    ),
  "print the API's JSON answer",
).action(
  run(
    async (
      options: {
        maxLifetimeDays?: number | 'none';
        requireExpiry?: boolean;
        maxGracePeriod?: number;
        allowedIps?: string[] | 'none';
      } & JsonOption,
    ) => {
      const change: Partial<TenantPolicy> = {
        ...(options.maxLifetimeDays !== undefined ? { maxLifetimeDays: noneToNull(options.maxLifetimeDays) } : {}),
        ...(options.requireExpiry !== undefined ? { requireExpiry: options.requireExpiry } : {}),
        ...(options.maxGracePeriod !== undefined ? { maxGracePeriodSeconds: options.maxGracePeriod } : {}),
        ...(options.allowedIps !== undefined ? { allowedIps: noneToNull(options.allowedIps) } : {}),
      };
      if (Object.keys(change).length === 0)
        throw new CliError('Nothing to change: pass --max-lifetime-days, --require-expiry, --max-grace-period or --allowed-ips.');
      const api = client();
      // The API replaces the policy whole: unchanged rules are sent as they are now.
      const current = await api.call((http) => http.GET('/v1/tenant/policy'));
      const body = await api.call((http) => http.PUT('/v1/tenant/policy', { body: { ...current, ...change } }));
      if (options.json) return printJson(body);
      console.log('Updated the tenant policy.\n');
      console.log(policyDetails(body));
    },
  ),
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
    const body = await client().call((http) =>
      http.GET('/v1/audit', { params: { query: { keyId: options.keyId, limit: options.limit?.toString(), cursor: options.cursor } } }),
    );
    if (options.json) return printJson(body);
    if (body.items.length === 0) console.log('No audit events found.');
    else console.log(auditTable(body.items));
    if (body.nextCursor)
      console.log(
        `\nMore events: keyward audit${options.keyId ? ` --key-id ${options.keyId}` : ''} --cursor ${printable(body.nextCursor)}`,
      );
  }),
);

type UsageCommandOptions = { granularity?: 'hour' | 'day'; from?: string; to?: string } & JsonOption;

const usageOptions = (command: Command) =>
  withJson(
    command
      .option('--granularity <size>', 'hour (default) or day', oneOf('--granularity', ['hour', 'day']))
      .option('--from <time>', 'start, ISO 8601 (default: 24 hours before --to; at most 90 days before it)')
      .option('--to <time>', 'end, ISO 8601 (default: now)'),
  );

const usageQuery = (options: UsageCommandOptions) => ({ granularity: options.granularity, from: options.from, to: options.to });

/** The table, and on a terminal a sparkline of valid uses. */
function printUsage(body: { items: (UsageCounts & { at: string })[]; totals: UsageCounts }, options: UsageCommandOptions) {
  console.log(usageTable(body.items, body.totals, options.granularity ?? 'hour'));
  if (process.stdout.isTTY && body.items.length) console.log(`\nValid uses: ${sparkline(body.items.map((item) => item.valid))}`);
}

usageOptions(keys.command('usage').description('Show the uses of one key by outcome, per hour or day').argument('<id>', 'key id')).action(
  run(async (id: string, options: UsageCommandOptions) => {
    const body = await client().call((http) =>
      http.GET('/v1/keys/{keyId}/usage', { params: { path: { keyId: id }, query: usageQuery(options) } }),
    );
    if (options.json) return printJson(body);
    printUsage(body, options);
  }),
);

usageOptions(program.command('usage').description('Show the uses of every key of your tenant by outcome, and the most used keys')).action(
  run(async (options: UsageCommandOptions) => {
    const body = await client().call((http) => http.GET('/v1/usage', { params: { query: usageQuery(options) } }));
    if (options.json) return printJson(body);
    printUsage(body, options);
    console.log('\nMost used keys:');
    console.log(body.topKeys.length ? topKeysTable(body.topKeys) : 'No key was used in this time.');
  }),
);

function fail(message: string): never {
  console.error(`keyward: ${message}`);
  process.exit(1);
}

await program.parseAsync();
