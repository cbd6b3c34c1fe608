#!/usr/bin/env node
import { Command } from 'commander';
import { addAuditCommand } from './commands/audit.ts';
import { addBootstrapCommand } from './commands/bootstrap.ts';
import { addKeysCommands } from './commands/keys/index.ts';
import { addLoginCommand } from './commands/login.ts';
import { addLogoutCommand } from './commands/logout.ts';
import { addPeopleCommands } from './commands/people.ts';
import { addPolicyCommands } from './commands/policy.ts';
import { addGithubCommands } from './commands/github.ts';
import { addSecretPatternCommand } from './commands/secret-pattern.ts';
import { addUsageCommand } from './commands/usage.ts';
import { addWhoamiCommand } from './commands/whoami.ts';

const program = new Command().name('keyward').description('Keyward command line: manage a Keyward deployment').showHelpAfterError();

// The order here is the order of the help's command list.
addBootstrapCommand(program);
addLoginCommand(program);
addLogoutCommand(program);
addWhoamiCommand(program);
addKeysCommands(program);
addPeopleCommands(program);
addPolicyCommands(program);
addAuditCommand(program);
addUsageCommand(program);
addSecretPatternCommand(program);
addGithubCommands(program);

await program.parseAsync();
