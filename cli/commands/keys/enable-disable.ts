import type { Command } from 'commander';
import { client } from '../../api-client.ts';
import { type JsonOption, run, withJson } from '../../command-kit.ts';
import { printable, printJson } from '../../output.ts';
import { keyPath } from './key-options.ts';

export function addEnableDisableCommands(keys: Command): void {
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
}
