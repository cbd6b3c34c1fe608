import type { Command } from 'commander';
import type { RequestBody } from '#shared/client/keyward-client.ts';
import { client } from '../../api-client.ts';
import { type JsonOption, list, oneOf, positiveInteger, run, withJson } from '../../command-kit.ts';
import { details, printable, printJson, relativeTime, secretNotice } from '../../output.ts';
import { META_HELP, metaPair, RATE_HINT, REFILL_HELP, rateLimit, refill, type UsageOptions, usageChange } from './key-options.ts';

export function addCreateCommand(keys: Command): void {
  withJson(
    keys
      .command('create')
      .description('Create a key and print it once')
      .requiredOption('--name <name>', 'a name that says who uses the key')
      .requiredOption(
        '--type <type>',
        'privileged, viewer or client (no Keyward permission: only your own APIs)',
        oneOf('--type', ['privileged', 'viewer', 'client']),
      )
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
}
