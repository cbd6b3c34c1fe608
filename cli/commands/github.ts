import type { Command } from 'commander';
import { scannerPattern } from '#shared/domain/api-key.ts';
import { routes } from '#shared/http/routes.ts';
import { DEFAULT_ENDPOINT, normaliseEndpoint } from '../api-client.ts';
import { deploymentPrefix, type JsonOption, keyPrefix, run, withJson } from '../command-kit.ts';
import { printJson } from '../output.ts';

/** What an organisation sets in GitHub for Keyward to hear of its leaked keys. */
function githubSettings(endpoint: string, prefix: string) {
  return {
    customPattern: { name: 'Keyward API key', ...scannerPattern(prefix), pushProtection: true },
    webhookUrl: `${endpoint}${routes.githubSecretScanning.path}`,
    app: {
      repositoryPermissions: { secret_scanning_alerts: 'write' },
      events: ['secret_scanning_alert'],
      contentType: 'application/json',
    },
  };
}

export function addGithubCommands(program: Command): void {
  const github = program.command('github').description("GitHub secret scanning: the settings that report this deployment's leaked keys");
  withJson(
    github
      .command('setup')
      .description(
        "Print the organisation settings, webhook URL and GitHub App permissions that make GitHub report this deployment's leaked keys",
      )
      .option('--endpoint <url>', "the API's base URL, as GitHub reaches it", process.env.KEYWARD_ENDPOINT ?? DEFAULT_ENDPOINT)
      .option('--prefix <prefix>', 'the key prefix (default: KEYWARD_KEY_PREFIX, else "kw")', keyPrefix),
    'print the settings as JSON',
  ).action(
    run(async (options: { endpoint: string; prefix?: string } & JsonOption) => {
      const settings = githubSettings(normaliseEndpoint(options.endpoint), deploymentPrefix(options.prefix));
      if (options.json) return printJson(settings);
      const { customPattern, webhookUrl } = settings;
      console.log(`1. Organisation → Settings → Code security → Secret scanning → Custom patterns → New pattern:
     Name:           ${customPattern.name}
     Secret format:  ${customPattern.pattern}
     After secret:   ${customPattern.afterSecret}
   Publish it, then turn on push protection for it: a push holding a key is refused before it lands.

2. Organisation → Settings → Developer settings → GitHub Apps → New GitHub App:
     Webhook URL:    ${webhookUrl}   (content type application/json)
     Webhook secret: the one Keyward keeps (locally .data/github/webhook-secret, made on first use)
     Repository permission: Secret scanning alerts, read and write
     Subscribe to:   Secret scanning alert
   Then give Keyward the App's id and a private key (locally .data/github/app.json:
   {"appId": "…", "privateKey": "-----BEGIN…"}), and install the App on the repositories to watch.

3. Choose what a leak does to a key of your tenant: keyward policy set --on-leak revoke|disable|notify`);
    }),
  );
}
