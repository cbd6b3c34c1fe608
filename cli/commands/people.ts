import { type Command, InvalidArgumentError } from 'commander';
import { roles, type Role } from '#shared/domain/identity.ts';
import { CliError, client } from '../api-client.ts';
import { type JsonOption, oneOf, positiveInteger, run, tenantId, withJson } from '../command-kit.ts';
import { printable, printJson, relativeTime, table } from '../output.ts';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function email(value: string): string {
  if (!EMAIL.test(value) || value.length > 254) throw new InvalidArgumentError('give an e-mail address such as ada@example.com.');
  return value;
}

export function addPeopleCommands(program: Command): void {
  const people = program.command('people').description('The people who sign in with SSO: list them, sign one out, add one locally');

  withJson(
    people
      .command('add')
      .description(
        "Add a person to the local identity provider of `npm start` (in this folder) with a new password, shown once: a person already there gets this tenant's role and a new password. On AWS, add people in your identity provider instead",
      )
      .requiredOption('--email <e-mail>', 'their e-mail, which they sign in with', email)
      .requiredOption('--tenant <id>', 'the tenant they sign in to', tenantId)
      .requiredOption('--role <role>', `their role there: ${roles.join(', ')}`, oneOf('--role', [...roles]))
      .option('--name <name>', 'their name, as the audit log shows it'),
    'print {"email", "password", "personId"} as JSON',
  ).action(
    run(async (options: { email: string; tenant: string; role: Role; name?: string } & JsonOption) => {
      const { addPerson, hasLocalProvider } = await import('#local/local-people.ts');
      if (!hasLocalProvider())
        throw new CliError(
          'people add works only with the local identity provider: run it in the folder where `npm start` runs (start it once first). On AWS, add the person to a group of your identity provider.',
        );
      const added = await addPerson(options);
      if (options.json) return printJson(added);
      console.log(
        `Added ${printable(added.email)} as ${options.role} of tenant '${options.tenant}' (person id ${added.personId}).\nTheir password, shown only this once:\n\n  ${added.password}\n`,
      );
    }),
  );

  withJson(
    people
      .command('list')
      .description('List everyone who has signed in to your tenant, most recently seen first (keys:admin)')
      .option('--limit <n>', 'people per page (1-100)', positiveInteger('--limit', 1, 100))
      .option('--cursor <cursor>', 'the next page, from a previous list'),
  ).action(
    run(async (options: { limit?: number; cursor?: string } & JsonOption) => {
      const body = await client().call((http) =>
        http.GET('/v1/people', { params: { query: { limit: options.limit?.toString(), cursor: options.cursor } } }),
      );
      if (options.json) return printJson(body);
      if (body.items.length === 0) console.log('Nobody has signed in yet.');
      else
        console.log(
          table(
            ['Person', 'E-mail', 'Role', 'Last seen', 'Signed out'],
            body.items.map((person) => [
              person.id,
              person.email ?? '-',
              person.role,
              relativeTime(person.lastSeenAt),
              relativeTime(person.signedOutAt),
            ]),
          ),
        );
      if (body.nextCursor) console.log(`\nMore people: keyward people list --cursor ${printable(body.nextCursor)}`);
    }),
  );

  withJson(
    people
      .command('sign-out')
      .description(
        'End every token of a person at once (keys:admin); to offboard them, also remove them from the groups and revoke their keys',
      )
      .argument('<personId>', 'their id, such as corp:00u1ab2cd3'),
  ).action(
    run(async (personId: string, options: JsonOption) => {
      const body = await client().call((http) => http.POST('/v1/people/{personId}/sign-out', { params: { path: { personId } } }));
      if (options.json) return printJson(body);
      console.log(
        `Signed out ${printable(personId)}: every token issued to them before now is refused.\nTo offboard them: remove them from the identity provider's groups, then keyward keys revoke-all --owner ${printable(personId)} --reason "offboarding".`,
      );
    }),
  );
}
