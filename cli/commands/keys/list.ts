import type { Command } from 'commander';
import type { Query } from '#shared/client/keyward-client.ts';
import { client } from '../../api-client.ts';
import { type JsonOption, oneOf, positiveInteger, run, shellOptions, withJson } from '../../command-kit.ts';
import { keyTable, printable, printJson } from '../../output.ts';

export function addListCommand(keys: Command): void {
  withJson(
    keys
      .command('list')
      .description('List keys, newest first (or oldest first with --order asc)')
      .option('--search <text>', 'a part of the name, a full key, a preview or a key id')
      .option('--type <type>', 'system, privileged, viewer or client', oneOf('--type', ['system', 'privileged', 'viewer', 'client']))
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
}
