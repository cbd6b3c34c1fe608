import { type Command, InvalidArgumentError } from 'commander';
import { keyPrefixPattern } from '#shared/domain/api-key.ts';
import { tenantPattern } from '#shared/domain/tenant.ts';
import { CliError } from './api-client.ts';
import { paint, printable } from './output.ts';

export interface JsonOption {
  json?: boolean;
}

/** Runs a command's action; a failure prints the API's message (and code) on stderr and exits 1. */
export function run<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof CliError) {
        const code = error.code ? ` (${error.code})` : '';
        console.error(`${paint('red', 'keyward:', process.stderr)} ${printable(error.message)}${code}`);
      } else {
        console.error(`${paint('red', 'keyward:', process.stderr)} ${printable(error instanceof Error ? error.message : String(error))}`);
      }
      process.exitCode = 1;
    }
  };
}

export function positiveInteger(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return number;
  };
}

/** `a,b, c` → ["a", "b", "c"]; an empty string clears the list. */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** `--tenant <id>`: a tenant id, as bootstrap makes them. */
export function tenantId(value: string): string {
  if (!tenantPattern.test(value))
    throw new InvalidArgumentError('use 2-63 lowercase letters, digits or dashes, starting with a letter or digit.');
  return value;
}

/** `--prefix <prefix>`: a deployment's key prefix, as KEYWARD_KEY_PREFIX takes it. */
export function keyPrefix(value: string): string {
  if (!keyPrefixPattern.test(value))
    throw new InvalidArgumentError('a key prefix is 1-10 lowercase letters or digits, starting with a letter.');
  return value;
}

/** The deployment's key prefix: the one given, else KEYWARD_KEY_PREFIX, else the default "kw". */
export const deploymentPrefix = (given: string | undefined) => given ?? process.env.KEYWARD_KEY_PREFIX ?? 'kw';

export function oneOf(name: string, values: string[]) {
  return (value: string): string => {
    if (!values.includes(value)) throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}.`);
    return value;
  };
}

/** `--name N|none`. Commander turns a parsed null into '', so none stays 'none' until the action maps it to null. */
export function orNone<T>(parse: (value: string) => T) {
  return (value: string): T | 'none' => (value === 'none' ? 'none' : parse(value));
}

export const noneToNull = <T>(value: T | 'none'): T | null => (value === 'none' ? null : value);

export function trueOrFalse(name: string) {
  return (value: string): boolean => {
    if (value !== 'true' && value !== 'false') throw new InvalidArgumentError(`${name} must be true or false.`);
    return value === 'true';
  };
}

/** ` --name value` for each given option, quoted for a POSIX shell where needed, so a printed command runs as shown. */
export function shellOptions(options: Record<string, string | number | undefined>): string {
  const quote = (value: string) => (/^[A-Za-z0-9._:@/=+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
  return Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` --${name} ${printable(quote(String(value)))}`)
    .join('');
}

export function withJson(command: Command, description = "print the API's JSON answer"): Command {
  return command.option('--json', description);
}

/** Stops the CLI with an error on stderr and exit code 1, for commands that do not run through `run`. */
export function fail(message: string): never {
  console.error(`keyward: ${message}`);
  process.exit(1);
}
