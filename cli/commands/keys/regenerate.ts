import type { Command } from 'commander';
import { client } from '../../api-client.ts';
import { type JsonOption, positiveInteger, run, withJson } from '../../command-kit.ts';
import { printable, printJson, secretNotice } from '../../output.ts';
import { keyPath } from './key-options.ts';

export function addRegenerateCommand(keys: Command): void {
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
}
