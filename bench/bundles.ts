/**
 * Bundle size and cold import time of every function the stack deploys, against a baseline
 * bundle that only creates a DynamoDBClient. One run: synthesize the stack with its real
 * esbuild bundling into a temporary directory, bundle the baseline the same way, check that
 * each bundle imports offline and exports a handler, then time `import()` of each bundle in
 * fresh Node processes, round-robin so machine noise lands on every bundle alike.
 *
 * It is a report: it exits 0 even when targets are missed, 1 only when it could not measure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { baselineSource, bundleLikeLambda } from './lambda-bundle.ts';
import { percentile } from './stats.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAGE = 'dev';
const ROUNDS = 7;
const TARGET = { size: 2, import: 1.3 };
const CHILD_TIMEOUT_MS = 60_000;
const SYNTH_TIMEOUT_MS = 15 * 60_000;
/** Time the check pass waits after the import for anything the module starts in the background. */
const SETTLE_MS = 250;
const MARK = '@@keyward-bundle-bench ';
const BASELINE = 'baseline (DynamoDBClient only)';

const log = (line: string) => console.log(line);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const ratio = (value: number) => `${value.toFixed(2)}x`;
const fixed = (value: number) => value.toFixed(1);

// ---------------------------------------------------------------- child processes

const children = new Set<ChildProcess>();

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const tail = (text: string, lines = 30) => text.trimEnd().split('\n').slice(-lines).join('\n');

function failure(what: string, result: Finished): Error {
  const how = result.signal ? `was killed (${result.signal})` : `exited with ${result.code}`;
  return new Error(`${what} ${how}:\n${tail(`${result.stdout}\n${result.stderr}`)}`);
}

// ---------------------------------------------------------------- synthesis

/** The functions the stack deploys: one per file in functions/. */
function functionFiles(): string[] {
  return readdirSync(join(root, 'functions'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => basename(file, '.ts'))
    .sort();
}

/** Runs the CDK app as `cdk synth` would (cdk.json's context, asset and path metadata), without the CLI's network calls. */
async function synthesize(outdir: string): Promise<void> {
  const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { app?: string; context?: Record<string, unknown> };
  const context = { ...cdkJson.context, stage: STAGE, 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true };
  const env = { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) };
  const result = await run([join('cdk', 'app.ts')], env, SYNTH_TIMEOUT_MS);
  if (result.code !== 0) throw failure('the CDK app (cdk/app.ts)', result);
}

interface CfnResource {
  Type: string;
  Metadata?: Record<string, unknown>;
  Properties?: { Code?: { S3Key?: unknown } };
}

/** Each function's bundle directory in the cloud assembly, by the asset metadata of its AWS::Lambda::Function. */
function bundleDirs(outdir: string, names: readonly string[]): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
  if (stacks.length !== 1) throw new Error(`expected one stack in the cloud assembly, found ${stacks.length}`);
  const [stackId, stack] = stacks[0]!;
  const templateFile = stack.properties?.templateFile ?? `${stackId}.template.json`;
  const template = JSON.parse(readFileSync(join(outdir, templateFile), 'utf8')) as { Resources?: Record<string, CfnResource> };
  const assets = JSON.parse(readFileSync(join(outdir, `${stackId}.assets.json`), 'utf8')) as {
    files?: Record<string, { source?: { path?: string } }>;
  };

  const wanted = new Set(names);
  const dirs = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const cdkPath = String(resource.Metadata?.['aws:cdk:path'] ?? '');
    const name = /\/([^/]+)\/Resource$/.exec(cdkPath)?.[1];
    if (!name || !wanted.has(name)) continue;
    // The asset metadata names the directory; the S3 key (the asset hash) is the fallback.
    const s3Key = resource.Properties?.Code?.S3Key;
    const hash = typeof s3Key === 'string' ? s3Key.replace(/\.zip$/, '') : undefined;
    const assetPath = resource.Metadata?.['aws:asset:path'] ?? (hash ? assets.files?.[hash]?.source?.path : undefined);
    if (typeof assetPath !== 'string') throw new Error(`${logicalId} (functions/${name}.ts) has no asset path in the cloud assembly`);
    if (dirs.has(name)) throw new Error(`two Lambda functions in the template are named ${name}`);
    dirs.set(name, join(outdir, assetPath));
  }
  const missing = names.filter((name) => !dirs.has(name));
  if (missing.length > 0)
    throw new Error(`no bundle in the cloud assembly for ${missing.map((name) => `functions/${name}.ts`).join(', ')}`);
  return dirs;
}

// ---------------------------------------------------------------- importing a bundle

/** What the imported modules may read at load time: the local cipher, a throwaway keyring, no tracing, no credentials. */
function importEnv(keyringFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    KEYWARD_TABLE_NAME: 'keyward-bench',
    KEYWARD_CIPHER: 'local',
    KEYWARD_KEYRING_FILE: keyringFile,
    AWS_REGION: 'us-east-1',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  // Deliberately not inherited: NODE_OPTIONS, AWS_PROFILE and credentials, proxies.
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

/** Times the import alone; the child prints the milliseconds and exits, whatever the module left running. */
const timedImport = `
const url = process.argv[1];
const started = performance.now();
await import(url);
const ms = performance.now() - started;
process.stdout.write('${MARK}' + JSON.stringify({ ms }) + '\\n');
process.exit(0);
`;

/**
 * Imports a bundle with every way out to the network recorded (TCP and TLS connects, UDP sends,
 * DNS lookups, fetch), waits a moment for background work, and reports what the module exports.
 */
const checkedImport = `
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import dgram from 'node:dgram';
import dns from 'node:dns';
const attempts = [];
const record = (target, key, what) => {
  const original = target[key];
  if (typeof original !== 'function') return;
  target[key] = function (...args) {
    attempts.push(what + ' ' + JSON.stringify(args.filter((arg) => typeof arg !== 'function')).slice(0, 200));
    return original.apply(this, args);
  };
};
record(net.Socket.prototype, 'connect', 'net.Socket#connect');
record(dgram.Socket.prototype, 'send', 'dgram.Socket#send');
record(dgram.Socket.prototype, 'connect', 'dgram.Socket#connect');
for (const key of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  record(dns, key, 'dns.' + key);
  record(dns.promises, key, 'dns.promises.' + key);
}
record(globalThis, 'fetch', 'fetch');
syncBuiltinESMExports();
const module = await import(process.argv[1]);
await new Promise((resolve) => setTimeout(resolve, ${SETTLE_MS}));
const report = { handler: typeof module.handler, exports: Object.keys(module), attempts };
process.stdout.write('${MARK}' + JSON.stringify(report) + '\\n');
process.exit(0);
`;

function marked<T>(what: string, result: Finished): T {
  if (result.code !== 0) throw failure(what, result);
  const line = result.stdout.split('\n').find((text) => text.startsWith(MARK));
  if (!line) throw failure(`${what} printed no result and`, result);
  return JSON.parse(line.slice(MARK.length)) as T;
}

async function checkImport(label: string, file: string, env: NodeJS.ProcessEnv): Promise<void> {
  const what = `importing the ${label} bundle`;
  const report = marked<{ handler: string; exports: string[]; attempts: string[] }>(
    what,
    await run(['--input-type=module', '--eval', checkedImport, pathToFileURL(file).href], env, CHILD_TIMEOUT_MS),
  );
  if (report.attempts.length > 0) throw new Error(`${what} went to the network: ${report.attempts.join('; ')}`);
  if (report.handler !== 'function')
    throw new Error(`${what}: it exports no handler function (exports: ${report.exports.join(', ') || 'none'})`);
}

async function timeImport(label: string, file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const { ms } = marked<{ ms: number }>(
    `importing the ${label} bundle`,
    await run(['--input-type=module', '--eval', timedImport, pathToFileURL(file).href], env, CHILD_TIMEOUT_MS),
  );
  return ms;
}

// ---------------------------------------------------------------- report

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  samples: number[];
}

type Align = 'left' | 'right';

/** A plain-text table with per-column alignment (console.table would quote every string). */
function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const format = (row: readonly string[]) =>
    row
      .map((cell, column) => (align[column] === 'right' ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('-+-');
  return [format(header), rule, ...rows.map(format)].join('\n');
}

function report(baseline: Bundle, functions: readonly Bundle[]): string {
  const baseMs = percentile(baseline.samples, 50);
  const header = [
    'function',
    'size KiB',
    'size/base',
    'import ms',
    'min-max ms',
    'import/base',
    `size <= ${TARGET.size}x`,
    `import <= ${TARGET.import}x`,
  ];
  const row = (bundle: Bundle, verdicts: boolean) => {
    const median = percentile(bundle.samples, 50);
    const sizeRatio = bundle.bytes / baseline.bytes;
    const importRatio = median / baseMs;
    return {
      cells: [
        bundle.name,
        kib(bundle.bytes),
        ratio(sizeRatio),
        fixed(median),
        `${fixed(Math.min(...bundle.samples))}-${fixed(Math.max(...bundle.samples))}`,
        ratio(importRatio),
        verdicts ? (sizeRatio <= TARGET.size ? 'PASS' : 'MISS') : '',
        verdicts ? (importRatio <= TARGET.import ? 'PASS' : 'MISS') : '',
      ],
      sizeMet: sizeRatio <= TARGET.size,
      importMet: importRatio <= TARGET.import,
    };
  };
  const rows = functions.map((bundle) => row(bundle, true));
  const table = formatTable(
    header,
    [row(baseline, false).cells, ...rows.map((r) => r.cells)],
    ['left', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
  );
  const passed = rows.filter((r) => r.sizeMet && r.importMet).length;
  const sizeMisses = rows.filter((r) => !r.sizeMet).length;
  const importMisses = rows.filter((r) => !r.importMet).length;
  const summary =
    `summary: ${passed} of ${rows.length} functions meet both targets; size MISS ${sizeMisses}, import MISS ${importMisses}. ` +
    `Targets: size <= ${TARGET.size}x baseline (${kib(baseline.bytes * TARGET.size)} KiB), import <= ${TARGET.import}x baseline (${fixed(baseMs * TARGET.import)} ms); ` +
    `import = median of ${ROUNDS} fresh Node ${process.version} processes per bundle.`;
  return `${table}\n\n${summary}`;
}

// ---------------------------------------------------------------- main

const tempDirs: string[] = [];
function cleanUp(): void {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(code);
  });
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'keyward-bundles-'));
  tempDirs.push(work);
  const outdir = join(work, 'cdk.out');
  const env = importEnv(join(work, 'keyring', 'keyring.key'));

  const names = functionFiles();
  log(`synthesizing the stack (stage ${STAGE}) with esbuild bundling for ${names.length} functions...`);
  let started = performance.now();
  await synthesize(outdir);
  const dirs = bundleDirs(outdir, names);
  log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  started = performance.now();
  const baselineFile = (
    await bundleLikeLambda({ contents: baselineSource, resolveDir: root, sourcefile: 'baseline.ts' }, join(work, 'baseline'))
  ).file;
  log(
    `baseline bundled in ${((performance.now() - started) / 1000).toFixed(1)} s: a handler around new DynamoDBClient(), same esbuild options`,
  );

  const sized = (name: string, file: string): Bundle => ({ name, file, bytes: statSync(file).size, samples: [] });
  const baseline = sized(BASELINE, baselineFile);
  const functions = names.map((name) => sized(name, join(dirs.get(name)!, 'index.mjs')));
  const all = [baseline, ...functions];

  // Also the warm-up: every bundle has been read once before the timed imports.
  for (const bundle of all) await checkImport(bundle.name, bundle.file, env);
  log(`checked ${all.length} bundles: each imports offline (no connect, UDP send, DNS lookup or fetch) and exports a handler`);

  log(`timing imports: ${ROUNDS} rounds x ${all.length} bundles, one fresh process each, round-robin with a moving start`);
  for (let round = 0; round < ROUNDS; round++) {
    const offset = (round * Math.ceil(all.length / ROUNDS)) % all.length;
    for (const bundle of [...all.slice(offset), ...all.slice(0, offset)])
      bundle.samples.push(await timeImport(bundle.name, bundle.file, env));
  }

  log('');
  log(report(baseline, functions));
}

try {
  await main();
} catch (error) {
  console.error(`bench:bundles failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  cleanUp();
}
