import type { Command } from 'commander';
import { client } from '../../api-client.ts';
import { type JsonOption, run, withJson } from '../../command-kit.ts';
import { printable, printJson } from '../../output.ts';
import { keyPath } from './key-options.ts';

export function addRevealCommand(keys: Command): void {
  withJson(
    keys.command('reveal').description('Print the full key of a recoverable key (keys:admin only; audited)').argument('<id>', 'key id'),
  ).action(
    run(async (id: string, options: JsonOption) => {
      const body = await client().call((http) => http.GET('/v1/keys/{keyId}/secret', keyPath(id)));
      if (options.json) return printJson(body);
      console.log(printable(body.apiKey));
    }),
  );
}
