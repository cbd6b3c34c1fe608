import type { Command } from 'commander';
import { CliError } from '../api-client.ts';
import { run } from '../command-kit.ts';
import { credentialsFile, deleteCredentials, readCredentials } from '../credentials.ts';
import { printable } from '../output.ts';
import { revokeSignIn } from '../sso.ts';

export function addLogoutCommand(program: Command): void {
  program
    .command('logout')
    .description('Delete the saved login; after `keyward login --sso`, also revoke the sign-in at the identity provider when it allows')
    .action(
      run(async () => {
        const saved = readCredentials();
        const sso = saved?.sso;
        if (sso?.refreshToken) {
          // Best effort: the saved login goes whatever the identity provider answers.
          try {
            if (await revokeSignIn({ ...sso, refreshToken: sso.refreshToken })) console.log(`Revoked your sign-in at ${sso.issuer}.`);
          } catch (error) {
            console.error(
              `keyward: could not revoke your sign-in: ${printable(error instanceof CliError ? error.message : String(error))}`,
            );
          }
        }
        const file = credentialsFile();
        if (!deleteCredentials()) return console.log('Not logged in: nothing to delete.');
        console.log(`Logged out${saved ? ` of ${saved.endpoint}` : ''}: deleted ${file}.`);
      }),
    );
}
