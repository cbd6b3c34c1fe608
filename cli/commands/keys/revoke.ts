import type { Command } from 'commander';
import { client } from '../../api-client.ts';
import { type JsonOption, run, withJson } from '../../command-kit.ts';
import { printable, printJson } from '../../output.ts';
import { keyPath } from './key-options.ts';

export function addRevokeCommand(keys: Command): void {
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
}
