import type { Command } from 'commander';
import { CliError, client } from '../../api-client.ts';
import { type JsonOption, oneOf, run, withJson } from '../../command-kit.ts';
import { printable, printJson } from '../../output.ts';
import { ask } from '../../prompt.ts';

export function addRevokeAllCommand(keys: Command): void {
  withJson(
    keys
      .command('revoke-all')
      .description(
        'Revoke every active or disabled key of your tenant but its system key, or only those of one owner or type (keys:admin; irreversible). On a terminal it asks you to type the tenant id',
      )
      .requiredOption('--reason <text>', 'why, for the audit log')
      .option('--owner <id>', 'only the keys of this owner')
      .option('--type <type>', 'only keys of this type: privileged, viewer or client', oneOf('--type', ['privileged', 'viewer', 'client']))
      .option('--yes', 'do not ask (needed when not on a terminal)'),
    'print {"revoked": n} as JSON',
  ).action(
    run(async (options: { reason: string; owner?: string; type?: 'privileged' | 'viewer' | 'client'; yes?: boolean } & JsonOption) => {
      const api = client();
      if (!options.yes) {
        if (!process.stdin.isTTY) throw new CliError('Refusing to revoke keys without confirmation: pass --yes.');
        const { tenant } = await api.call((http) => http.GET('/v1/whoami'));
        const which = `every active or disabled ${options.type ?? 'privileged, viewer and client'} key${options.owner ? ` of owner '${printable(options.owner)}'` : ''}`;
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
}
