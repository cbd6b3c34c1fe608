import { type Command, InvalidArgumentError } from 'commander';
import { scannerPattern } from '#shared/domain/api-key.ts';
import { type JsonOption, run, withJson } from '../command-kit.ts';
import { printJson } from '../output.ts';

function prefix(value: string): string {
  if (!/^[a-z0-9]{1,10}$/.test(value)) throw new InvalidArgumentError('a key prefix is 1-10 lowercase letters or digits.');
  return value;
}

export function addSecretPatternCommand(program: Command): void {
  withJson(
    program
      .command('secret-pattern')
      .description(
        "Print the regular expression that finds this deployment's keys, for a GitHub custom secret-scanning pattern (with push protection) or any other scanner",
      )
      .option('--prefix <prefix>', 'the deployment\'s key prefix (default: KEYWARD_KEY_PREFIX, else "kw")', prefix),
    'print {"pattern", "afterSecret"} as JSON',
  ).action(
    run(async (options: { prefix?: string } & JsonOption) => {
      const { pattern, afterSecret } = scannerPattern(options.prefix ?? process.env.KEYWARD_KEY_PREFIX ?? 'kw');
      if (options.json) return printJson({ pattern, afterSecret });
      console.log(`Secret format:  ${pattern}\nAfter secret:   ${afterSecret}\n`);
      console.log(
        'In GitHub: your organisation → Settings → Code security → Secret scanning → Custom patterns → New pattern.\nPaste both, then turn on push protection for the pattern, so a push holding a key is refused before it lands.',
      );
    }),
  );
}
