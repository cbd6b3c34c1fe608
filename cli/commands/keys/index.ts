import type { Command } from 'commander';
import { addCreateCommand } from './create.ts';
import { addDeleteCommand } from './delete.ts';
import { addEnableDisableCommands } from './enable-disable.ts';
import { addGetCommand } from './get.ts';
import { addListCommand } from './list.ts';
import { addRegenerateCommand } from './regenerate.ts';
import { addRevealCommand } from './reveal.ts';
import { addRevokeCommand } from './revoke.ts';
import { addRevokeAllCommand } from './revoke-all.ts';
import { addUpdateCommand } from './update.ts';
import { addKeyUsageCommand } from './usage.ts';

/** `keyward keys …`, its subcommands in the order its help lists them. */
export function addKeysCommands(program: Command): void {
  const keys = program.command('keys').description('Create, list, inspect and manage the API keys of your tenant');
  addCreateCommand(keys);
  addListCommand(keys);
  addGetCommand(keys);
  addUpdateCommand(keys);
  addEnableDisableCommands(keys);
  addRegenerateCommand(keys);
  addRevokeCommand(keys);
  addDeleteCommand(keys);
  addRevokeAllCommand(keys);
  addRevealCommand(keys);
  addKeyUsageCommand(keys);
}
