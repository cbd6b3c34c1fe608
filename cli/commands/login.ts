import type { Command } from 'commander';
import { CliError, DEFAULT_ENDPOINT, connect, normaliseEndpoint } from '../api-client.ts';
import { saveCredentials } from '../credentials.ts';
import { type JsonOption, run } from '../command-kit.ts';
import { printable, printJson, relativeTime } from '../output.ts';
import { ask } from '../prompt.ts';

export function addLoginCommand(program: Command): void {
  program
    .command('login')
    .description(
      'Trade an API key for a one-hour token and save it (with the endpoint) in your config directory, readable by you only. The key comes from KEYWARD_API_KEY or a hidden prompt, never from an argument, and is not saved.',
    )
    .option('--endpoint <url>', "the API's base URL", DEFAULT_ENDPOINT)
    .option('--json', "print the API's JSON answer, without the token")
    .action(
      run(async (options: { endpoint: string } & JsonOption) => {
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
