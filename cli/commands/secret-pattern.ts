import type { Command } from 'commander';
import { scannerPattern } from '#shared/domain/api-key.ts';
import { deploymentPrefix, type JsonOption, keyPrefix, run, withJson } from '../command-kit.ts';
import { printJson } from '../output.ts';

export function addSecretPatternCommand(program: Command): void {
  withJson(
    program
      .command('secret-pattern')
      .description(
        "Print the regular expression that finds this deployment's keys, for a GitHub custom secret-scanning pattern (with push protection) or any other scanner",
      )
      .option('--prefix <prefix>', 'the deployment\'s key prefix (default: KEYWARD_KEY_PREFIX, else "kw")', keyPrefix),
    'print {"pattern", "afterSecret"} as JSON',
  ).action(
    run(async (options: { prefix?: string } & JsonOption) => {
      const { pattern, afterSecret } = scannerPattern(deploymentPrefix(options.prefix));
      if (options.json) return printJson({ pattern, afterSecret });
      console.log(`Secret format:  ${pattern}\nAfter secret:   ${afterSecret}\n`);
      console.log(
        'In GitHub: your organisation → Settings → Code security → Secret scanning → Custom patterns → New pattern.\nPaste both, then turn on push protection for the pattern, so a push holding a key is refused before it lands.',
      );
    }),
  );
}
