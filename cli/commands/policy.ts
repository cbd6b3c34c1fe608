import type { Command } from 'commander';
import { CliError, client } from '../api-client.ts';
import { type JsonOption, list, noneToNull, oneOf, orNone, positiveInteger, run, tenantId, trueOrFalse, withJson } from '../command-kit.ts';
import { operatorAdapters, operatorSettings } from '../operator-store.ts';
import { policyDetails, printable, printJson, type TenantPolicy } from '../output.ts';

const SYSTEM_KEY_MODES = ['enabled', 'break-glass', 'disabled'];

interface PolicySetOptions extends JsonOption {
  maxLifetimeDays?: number | 'none';
  requireExpiry?: boolean;
  maxGracePeriod?: number;
  allowedIps?: string[] | 'none';
  systemKey?: TenantPolicy['systemKey'];
  personTokenSeconds?: number;
  onLeak?: TenantPolicy['onLeak'];
  tenant?: string;
  stage?: string;
}

/** The rules the options change, in the policy's own field names. */
function policyChange(options: PolicySetOptions): Partial<TenantPolicy> {
  const change: Partial<TenantPolicy> = {
    ...(options.maxLifetimeDays !== undefined ? { maxLifetimeDays: noneToNull(options.maxLifetimeDays) } : {}),
    ...(options.requireExpiry !== undefined ? { requireExpiry: options.requireExpiry } : {}),
    ...(options.maxGracePeriod !== undefined ? { maxGracePeriodSeconds: options.maxGracePeriod } : {}),
    ...(options.allowedIps !== undefined ? { allowedIps: noneToNull(options.allowedIps) } : {}),
    ...(options.systemKey !== undefined ? { systemKey: options.systemKey } : {}),
    ...(options.personTokenSeconds !== undefined ? { personTokenSeconds: options.personTokenSeconds } : {}),
    ...(options.onLeak !== undefined ? { onLeak: options.onLeak } : {}),
  };
  if (Object.keys(change).length === 0)
    throw new CliError(
      'Nothing to change: pass --max-lifetime-days, --require-expiry, --max-grace-period, --allowed-ips, --system-key, --person-token-seconds or --on-leak.',
    );
  return change;
}

/** Writes the policy straight into the store with the operator's own access (IAM, or the local machine), audited as the operator. */
async function setAsOperator(tenant: string, stage: string | undefined, change: Partial<TenantPolicy>): Promise<TenantPolicy> {
  let settings: Record<string, string | undefined>;
  try {
    settings = await operatorSettings(stage, `policy set --tenant ${tenant}`);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const adapters = await operatorAdapters(settings);
  const { setTenantPolicyAsOperator } = await import('#shared/services/operator-policy.ts');
  try {
    return await setTenantPolicyAsOperator(adapters, tenant, change, new Date());
  } finally {
    adapters.dynamoDb.destroy();
  }
}

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
      .description(
        'Change the tenant policy (keys:admin): reads the current policy, applies the given changes and writes it back whole. With --tenant it writes the policy straight into the store with your AWS credentials (locally, the running local store), like bootstrap: the way back in when the system key is disabled or the allowed IPs shut you out',
      )
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
      )
      .option(
        '--system-key <mode>',
        'enabled; break-glass (it works, each use is audited as tenant.break_glass); disabled (refused until an operator enables it with --tenant)',
        oneOf('--system-key', SYSTEM_KEY_MODES),
      )
      .option(
        '--person-token-seconds <seconds>',
        "how long people's tokens last (60-3600)",
        positiveInteger('--person-token-seconds', 60, 3600),
      )
      .option(
        '--on-leak <action>',
        'what a report of a valid key leaking does: revoke (default), disable, or notify (only the key.leaked event)',
        oneOf('--on-leak', ['revoke', 'disable', 'notify']),
      )
      .option('--tenant <id>', 'change this tenant directly in the store, as the operator, instead of through the API', tenantId)
      .option('--stage <stage>', "with --tenant: the deployed stack of this stage (the stack's table, with your AWS credentials)"),
    "print the API's JSON answer",
  ).action(
    run(async (options: PolicySetOptions) => {
      const change = policyChange(options);
      if (options.stage !== undefined && options.tenant === undefined)
        throw new CliError('--stage needs --tenant: through the API, the tenant is the one of your login.');
      if (options.tenant !== undefined) {
        const written = await setAsOperator(options.tenant, options.stage, change);
        if (options.json) return printJson(written);
        console.log(`Updated the policy of tenant '${printable(options.tenant)}' in the store, as the operator (audited).\n`);
        console.log(policyDetails(written));
        return;
      }
      const api = client();
      // The API replaces the policy whole: unchanged rules are sent as they are now.
      const current = await api.call((http) => http.GET('/v1/tenant/policy'));
      const body = await api.call((http) => http.PUT('/v1/tenant/policy', { body: { ...current, ...change } }));
      if (options.json) return printJson(body);
      console.log('Updated the tenant policy.\n');
      console.log(policyDetails(body));
    }),
  );
}
