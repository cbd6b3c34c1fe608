import type { Command } from 'commander';
import { CliError, DEFAULT_ENDPOINT, connect, normaliseEndpoint } from '../api-client.ts';
import { saveCredentials } from '../credentials.ts';
import { type JsonOption, run } from '../command-kit.ts';
import { printable, printJson, relativeTime } from '../output.ts';
import { ask } from '../prompt.ts';
import { loginWithSso, type SsoLoginOptions } from './login-sso.ts';

export function addLoginCommand(program: Command): void {
  program
    .command('login')
    .description(
      "Trade an API key for a one-hour token and save it (with the endpoint) in your config directory, readable by you only. The key comes from KEYWARD_API_KEY or a hidden prompt, never from an argument, and is not saved. With --sso, sign in through your organisation's identity provider instead.",
    )
    .option('--endpoint <url>', "the API's base URL", DEFAULT_ENDPOINT)
    .option('--sso', 'sign in as a person through an identity provider the deployment trusts (in your browser, or with --device)')
    .option('--provider <id>', 'with --sso: the identity provider to use, when the deployment trusts several')
    .option('--tenant <id>', 'with --sso: the tenant to sign in to, when your groups give you several')
    .option('--device', 'with --sso: sign in on any other device with a code (for a machine without a browser)')
    .option('--no-browser', 'with --sso: only print the sign-in URL, do not open a browser')
    .option('--json', "print the API's JSON answer, without the token")
    .action(
      run(async (options: { endpoint: string; sso?: boolean } & Omit<SsoLoginOptions, 'endpoint'> & JsonOption) => {
        if (options.sso) return loginWithSso(options);
        if (options.provider !== undefined || options.tenant !== undefined || options.device || !options.browser)
          throw new CliError('--provider, --tenant, --device and --no-browser go with --sso.');
        const endpoint = normaliseEndpoint(options.endpoint);
        let apiKey = process.env.KEYWARD_API_KEY?.trim();
        if (!apiKey) {
          if (!process.stdin.isTTY)
            throw new CliError('No API key: set KEYWARD_API_KEY, or run `keyward login` on a terminal to be asked for it.');
          apiKey = await ask('API key (input hidden): ', { hidden: true });
          if (!apiKey) throw new CliError('No API key entered: paste the key (kw_…) when asked.');
        }
        const body = await connect(endpoint).call((http) => http.POST('/v1/authentication', { body: { apiKey, expiresIn: 3600 } }));
        const file = saveCredentials({ endpoint, token: body.token, tokenExpiresAt: body.expiresAt });
        if (options.json) {
          const { token: _token, ...rest } = body;
          return printJson({ endpoint, ...rest });
        }
        console.log(
          `Logged in to ${endpoint} as key '${printable(body.key.name)}' (${body.key.id}, ${body.key.type}) of tenant '${body.key.tenant}'.`,
        );
        console.log(`The token expires ${relativeTime(body.expiresAt)} (${body.expiresAt}); it is saved in ${file}.`);
      }),
    );
}
