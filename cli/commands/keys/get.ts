import type { Command } from 'commander';
import { client } from '../../api-client.ts';
import { type JsonOption, run, withJson } from '../../command-kit.ts';
import { fullKeyDetails, printJson } from '../../output.ts';
import { keyPath } from './key-options.ts';

export function addGetCommand(keys: Command): void {
  withJson(keys.command('get').description('Show one key').argument('<id>', 'key id')).action(
    run(async (id: string, options: JsonOption) => {
      const body = await client().call((http) => http.GET('/v1/keys/{keyId}', keyPath(id)));
      if (options.json) return printJson(body);
      console.log(fullKeyDetails(body));
    }),
  );
}
