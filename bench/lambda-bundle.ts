import { join } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { bundling } from '../cdk/bundling.ts';

/**
 * The esbuild options the stack's NodejsFunction bundling passes (see `bundling` in cdk/bundling.ts
 * and the CDK's esbuild command line): ESM, node24, minified, with a source map, the AWS SDK
 * bundled (so nothing is external), `module` before `main`, and the createRequire banner.
 */
export const lambdaBuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  sourcesContent: bundling.sourcesContent,
  mainFields: ['module', 'main'],
  banner: { js: bundling.banner },
  logLevel: 'silent',
} as const satisfies BuildOptions;

/** The smallest useful DynamoDB function: the yardstick the functions' bundles are compared with. */
export const baselineSource = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export const handler = async () => ({ region: await client.config.region() });
`;

export interface BundleSource {
  /** Module text, resolved as if it were a file in `resolveDir` (the project root for `#shared/...` imports). */
  contents: string;
  resolveDir: string;
  /** Name shown in esbuild's messages and the source map. */
  sourcefile: string;
}

/** Bundles `source` into `outdir/index.mjs` (and its map) the way the stack bundles a function. */
export async function bundleLikeLambda(
  source: BundleSource,
  outdir: string,
  options: { metafile?: boolean } = {},
): Promise<{ file: string; metafile?: Metafile }> {
  const file = join(outdir, 'index.mjs');
  const result = await build({
    ...lambdaBuildOptions,
    stdin: { contents: source.contents, resolveDir: source.resolveDir, sourcefile: source.sourcefile, loader: 'ts' },
    outfile: file,
    absWorkingDir: source.resolveDir,
    metafile: options.metafile ?? false,
  });
  if (result.errors.length > 0)
    throw new Error(`esbuild failed for ${source.sourcefile}: ${result.errors.map((error) => error.text).join('; ')}`);
  return result.metafile ? { file, metafile: result.metafile } : { file };
}
