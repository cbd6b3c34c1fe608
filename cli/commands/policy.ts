import type { Command } from 'commander';
import { CliError, client } from '../api-client.ts';
import { type JsonOption, list, noneToNull, orNone, positiveInteger, run, trueOrFalse, withJson } from '../command-kit.ts';
import { policyDetails, printJson, type TenantPolicy } from '../output.ts';

export function addPolicyCommands(program: Command): void {
  const policy = program.command('policy').description("Read or change your tenant's policy for every key");

  withJson(policy.command('get').description('Show the tenant policy')).action(
    run(async (options: JsonOption) => {
      const body = await client().call((http) => http.GET('/v1/tenant/policy'));
      if (options.json) return printJson(body);
      console.log(policyDetails(body));
    }),
  );

  withJson(
    policy
      .command('set')
      .description('Change the tenant policy (keys:admin): reads the current policy, applies the given changes and writes it back whole')
      .option(
        '--max-lifetime-days <days|none>',
        'the longest lifetime a new key may have (1-3650), or none',
        orNone(positiveInteger('--max-lifetime-days', 1, 3650)),
      )
      .option('--require-expiry <true|false>', 'whether every new key must have an expiry', trueOrFalse('--require-expiry'))
      .option(
        '--max-grace-period <seconds>',
        'the longest grace period a regenerate may give (0-604800)',
        positiveInteger('--max-grace-period', 0, 604_800),
      )
      .option(
        '--allowed-ips <list|none>',
        'addresses or CIDR blocks every key of the tenant must be used from, comma-separated, or none (any address)',
        orNone(list),
      ),
    "print the API's JSON answer",
  ).action(
    run(
      async (
        options: {
          maxLifetimeDays?: number | 'none';
          requireExpiry?: boolean;
          maxGracePeriod?: number;
          allowedIps?: string[] | 'none';
        } & JsonOption,
      ) => {
        const change: Partial<TenantPolicy> = {
          ...(options.maxLifetimeDays !== undefined ? { maxLifetimeDays: noneToNull(options.maxLifetimeDays) } : {}),
          ...(options.requireExpiry !== undefined ? { requireExpiry: options.requireExpiry } : {}),
          ...(options.maxGracePeriod !== undefined ? { maxGracePeriodSeconds: options.maxGracePeriod } : {}),
          ...(options.allowedIps !== undefined ? { allowedIps: noneToNull(options.allowedIps) } : {}),
        };
        if (Object.keys(change).length === 0)
          throw new CliError('Nothing to change: pass --max-lifetime-days, --require-expiry, --max-grace-period or --allowed-ips.');
        const api = client();
        // The API replaces the policy whole: unchanged rules are sent as they are now.
        const current = await api.call((http) => http.GET('/v1/tenant/policy'));
        const body = await api.call((http) => http.PUT('/v1/tenant/policy', { body: { ...current, ...change } }));
        if (options.json) return printJson(body);
        console.log('Updated the tenant policy.\n');
        console.log(policyDetails(body));
      },
    ),
  );
}
