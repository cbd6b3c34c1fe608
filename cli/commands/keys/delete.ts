import type { Command } from 'commander';
import { CliError, client } from '../../api-client.ts';
import { type JsonOption, run, withJson } from '../../command-kit.ts';
import { printJson } from '../../output.ts';
import { ask } from '../../prompt.ts';
import { keyPath } from './key-options.ts';

export function addDeleteCommand(keys: Command): void {
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
}
