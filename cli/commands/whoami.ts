import type { Command } from 'commander';
import { client } from '../api-client.ts';
import { type JsonOption, run, withJson } from '../command-kit.ts';
import { details, printJson, relativeTime } from '../output.ts';

export function addWhoamiCommand(program: Command): void {
  withJson(program.command('whoami').description('Show the key you are using: its tenant, type, scopes and status')).action(
    run(async (options: JsonOption) => {
      const api = client();
      const body = await api.call((http) => http.GET('/v1/whoami'));
      if (options.json) return printJson(body);
      const { auth } = api.session;
      const credential =
        auth.kind === 'apiKey'
          ? 'KEYWARD_API_KEY (x-api-key)'
          : `${auth.sso ? `SSO through ${auth.sso.provider}` : 'token from `keyward login`'}, expires ${relativeTime(auth.expiresAt)}`;
      // A person signed in with SSO, or a key.
      const who: [string, string][] =
        'person' in body
          ? [
              ['Person', `${body.person.email ?? body.person.name ?? body.person.id} (${body.person.id})`],
              ['Role', body.person.role],
            ]
          : [
              ['Key', `${body.key.name} (${body.key.id})`],
              ['Type', body.key.type],
            ];
      console.log(
        details([
          ['Endpoint', api.session.endpoint],
          ['Tenant', body.tenant],
          ...who,
          ['Scopes', body.scopes.join(' ')],
          ['Credential', credential],
        ]),
      );
    }),
  );
}
