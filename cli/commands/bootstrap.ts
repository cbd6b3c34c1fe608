import { type Command, InvalidArgumentError } from 'commander';
import { readLocalState } from '#local/local-state.ts';
import { tenantPattern } from '#shared/domain/tenant.ts';
import { deployedStackEnvironment } from '../deployed-stack.ts';
import { fail } from '../command-kit.ts';

export function addBootstrapCommand(program: Command): void {
  program
    .command('bootstrap')
    .description(
      "Create a tenant and its protected system key, and print the key once. Locally it finds the store of a running 'npm start' by itself; with --stage it uses that deployed stack.",
    )
    .requiredOption('--tenant <id>', 'tenant id: 2-63 lowercase letters, digits or dashes', (value: string) => {
      if (!tenantPattern.test(value))
        throw new InvalidArgumentError('use 2-63 lowercase letters, digits or dashes, starting with a letter or digit.');
      return value;
    })
    .option('--json', 'print {"tenant", "keyId", "apiKey"} as JSON')
    .option('--stage <stage>', "bootstrap in the deployed stack of this stage, with your AWS credentials (the stack's table and KMS key)")
    .action(async (options: { tenant: string; json?: boolean; stage?: string }) => {
      // The store to bootstrap in: the deployed stack's, or the running local one's, as an explicit configuration.
      let settings: Record<string, string | undefined> = { ...process.env };
      if (options.stage) {
        try {
          settings = { ...settings, ...(await deployedStackEnvironment(options.stage)) };
        } catch (error) {
          fail((error as Error).message);
        }
      } else {
        const local = readLocalState();
        if (local && !settings.KEYWARD_DYNAMODB_ENDPOINT) {
          settings = {
            KEYWARD_TABLE_NAME: local.tableName,
            KEYWARD_KEYRING_FILE: local.keyringFile,
            ...settings,
            KEYWARD_DYNAMODB_ENDPOINT: local.dynamoDbEndpoint,
          };
        }
        if (!settings.KEYWARD_DYNAMODB_ENDPOINT) {
          fail(
            'No running Keyward found: start it with `npm start` in this folder (or pass --stage <stage> for a deployed one), then run bootstrap again.',
          );
        }
      }
      // Powertools reads its own settings when the logger loads.
      process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
      const { loadConfig } = await import('#shared/config.ts');
      const { createAdapters } = await import('#shared/runtime.ts');
      const { bootstrapTenant } = await import('#shared/services/bootstrap.ts');
      try {
        const result = await bootstrapTenant(createAdapters(loadConfig(settings)), options.tenant, new Date());
        if (options.json) {
          console.log(JSON.stringify(result));
        } else {
          console.log(
            `Created tenant '${result.tenant}'. Its system key (id ${result.keyId}) is shown only this once; store it now:\n\n  ${result.apiKey}\n`,
          );
        }
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    });
}
