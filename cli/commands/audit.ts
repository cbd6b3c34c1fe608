import type { Command } from 'commander';
import { client } from '../api-client.ts';
import { type JsonOption, positiveInteger, run, withJson } from '../command-kit.ts';
import { auditTable, printable, printJson } from '../output.ts';

export function addAuditCommand(program: Command): void {
  withJson(
    program
      .command('audit')
      .description('Show audit events, newest first')
      .option('--key-id <id>', 'only the events of this key')
      .option('--limit <n>', 'events per page (1-100)', positiveInteger('--limit', 1, 100))
      .option('--cursor <cursor>', 'the next page, from a previous audit'),
  ).action(
    run(async (options: { keyId?: string; limit?: number; cursor?: string } & JsonOption) => {
      const body = await client().call((http) =>
        http.GET('/v1/audit', { params: { query: { keyId: options.keyId, limit: options.limit?.toString(), cursor: options.cursor } } }),
      );
      if (options.json) return printJson(body);
      if (body.items.length === 0) console.log('No audit events found.');
      else console.log(auditTable(body.items));
      if (body.nextCursor)
        console.log(
          `\nMore events: keyward audit${options.keyId ? ` --key-id ${options.keyId}` : ''} --cursor ${printable(body.nextCursor)}`,
        );
    }),
  );
}
