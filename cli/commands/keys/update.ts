import type { Command } from 'commander';
import { CliError, client } from '../../api-client.ts';
import { type JsonOption, list, positiveInteger, run, withJson } from '../../command-kit.ts';
import { fullKeyDetails, printJson } from '../../output.ts';
import { keyPath, META_HELP, metaPair, RATE_HINT, REFILL_HELP, rateLimit, refill, type UsageOptions, usageChange } from './key-options.ts';

export function addUpdateCommand(keys: Command): void {
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
}
