import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The repository root: function entries, the lock file and the console are found from it. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Some bundled dependencies are CommonJS and call require(): give ESM bundles one. */
export const requireBanner = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * How every function is bundled: one minified ESM file for Node 24 with the AWS SDK inside
 * (it starts faster bundled than from the runtime), and a source map without sources.
 * A function carries only the code it reaches: package.json declares `"sideEffects": false`,
 * so a module none of whose exports are used is left out whole, and each route's definition
 * and schemas can be imported alone (shared/http/route-definitions.ts, schemas.ts).
 */
export const bundling = {
  format: OutputFormat.ESM,
  target: 'node24',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  bundleAwsSDK: true,
  mainFields: ['module', 'main'],
  banner: requireBanner,
} satisfies BundlingOptions;
