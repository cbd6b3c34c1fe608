import type { Command } from 'commander';
import { client } from '../../api-client.ts';
import { run } from '../../command-kit.ts';
import { printJson } from '../../output.ts';
import { printUsage, type UsageCommandOptions, usageOptions, usageQuery } from '../usage.ts';

export function addKeyUsageCommand(keys: Command): void {
  usageOptions(keys.command('usage').description('Show the uses of one key by outcome, per hour or day').argument('<id>', 'key id')).action(
    run(async (id: string, options: UsageCommandOptions) => {
      const body = await client().call((http) =>
        http.GET('/v1/keys/{keyId}/usage', { params: { path: { keyId: id }, query: usageQuery(options) } }),
      );
      if (options.json) return printJson(body);
      printUsage(body, options);
    }),
  );
}
