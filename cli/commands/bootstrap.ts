import type { Command } from 'commander';
import { operatorAdapters, operatorSettings } from '../operator-store.ts';
import { fail, tenantId } from '../command-kit.ts';

export function addBootstrapCommand(program: Command): void {
  program
    .command('bootstrap')
    .description(
      "Create a tenant and its protected system key, and print the key once. Locally it finds the store of a running 'npm start' by itself; with --stage it uses that deployed stack.",
    )
    .requiredOption('--tenant <id>', 'tenant id: 2-63 lowercase letters, digits or dashes', tenantId)
    .option('--json', 'print {"tenant", "keyId", "apiKey"} as JSON')
    .option('--stage <stage>', "bootstrap in the deployed stack of this stage, with your AWS credentials (the stack's table and KMS key)")
    .action(async (options: { tenant: string; json?: boolean; stage?: string }) => {
      let settings: Record<string, string | undefined> = {};
      try {
        settings = await operatorSettings(options.stage, 'bootstrap');
      } catch (error) {
        fail((error as Error).message);
      }
      try {
        const adapters = await operatorAdapters(settings);
        const { bootstrapTenant } = await import('#shared/services/bootstrap.ts');
        const result = await bootstrapTenant(adapters, options.tenant, new Date());
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
