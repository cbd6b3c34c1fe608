import type { Command } from 'commander';
import { client } from '../api-client.ts';
import { type JsonOption, oneOf, run, withJson } from '../command-kit.ts';
import { printJson, sparkline, topKeysTable, type UsageCounts, usageTable } from '../output.ts';

export type UsageCommandOptions = { granularity?: 'hour' | 'day'; from?: string; to?: string } & JsonOption;

export const usageOptions = (command: Command) =>
  withJson(
    command
      .option('--granularity <size>', 'hour (default) or day', oneOf('--granularity', ['hour', 'day']))
      .option('--from <time>', 'start, ISO 8601 (default: 24 hours before --to; at most 90 days before it)')
      .option('--to <time>', 'end, ISO 8601 (default: now)'),
  );

export const usageQuery = (options: UsageCommandOptions) => ({ granularity: options.granularity, from: options.from, to: options.to });

/** The table, and on a terminal a sparkline of valid uses. */
export function printUsage(body: { items: (UsageCounts & { at: string })[]; totals: UsageCounts }, options: UsageCommandOptions) {
  console.log(usageTable(body.items, body.totals, options.granularity ?? 'hour'));
  if (process.stdout.isTTY && body.items.length) console.log(`\nValid uses: ${sparkline(body.items.map((item) => item.valid))}`);
}

export function addUsageCommand(program: Command): void {
  usageOptions(program.command('usage').description('Show the uses of every key of your tenant by outcome, and the most used keys')).action(
    run(async (options: UsageCommandOptions) => {
      const body = await client().call((http) => http.GET('/v1/usage', { params: { query: usageQuery(options) } }));
      if (options.json) return printJson(body);
      printUsage(body, options);
      console.log('\nMost used keys:');
      console.log(body.topKeys.length ? topKeysTable(body.topKeys) : 'No key was used in this time.');
    }),
  );
}
