import { afterAll, beforeAll, inject } from 'vitest';

// Setup file for `npm run mutate` only (vitest.mutate.config.ts); outside StrykerJS it does nothing.
//
// In its initial run StrykerJS records which test executes which mutant, taking "the test" from the
// id its own setup file stores before each test and clears after it. Code that runs in a
// `beforeAll`/`afterAll` hook (creating the table, bootstrapping a tenant, issuing the keys a file
// shares) runs with no test id, so StrykerJS counts it as "static", as if it ran at import time,
// and then runs every related test file against each such mutant: about 35 s per mutant here.
//
// This file gives hook code a stand-in id while a test file runs, and when the file ends hands what
// that stand-in covered to every test of the file. A mutant only reached from a file's hooks then
// runs that file's tests, which run those hooks again: the same verdict, in a fraction of the time.
// Code that runs while the test file is imported stays static, as it must: StrykerJS has to switch
// such a mutant on before the import.

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by the StrykerJS vitest runner: 'dry-run' or 'mutant'. */
    mode?: string;
    /** Provided by the StrykerJS vitest runner: the global its instrumented code reports to. */
    globalNamespace?: string;
  }
}

type Coverage = Record<string, number>;
interface StrykerGlobal {
  currentTestId?: string;
  mutantCoverage?: { static: Coverage; perTest: Record<string, Coverage> };
}

const namespace = inject('globalNamespace');

if (inject('mode') === 'dry-run' && namespace) {
  const globals = globalThis as unknown as Record<string, StrykerGlobal | undefined>;
  globals[namespace] ??= {};
  const stryker = globals[namespace];
  const HOOKS = '(hooks of this test file)';
  const testIds = new Set<string>();
  let testId = stryker.currentTestId;
  let fileRunning = false;

  Object.defineProperty(stryker, 'currentTestId', {
    configurable: true,
    enumerable: true,
    get: () => testId ?? (fileRunning ? HOOKS : undefined),
    set: (id: string | undefined) => {
      testId = id;
      if (id) testIds.add(id);
    },
  });

  // Registered after StrykerJS's setup file and before the test file: the first `beforeAll` of the
  // file to run after its import, and (hooks run as a stack) the last `afterAll` before StrykerJS's.
  beforeAll(() => {
    fileRunning = true;
  });

  afterAll(() => {
    fileRunning = false;
    const coverage = stryker.mutantCoverage;
    const hooks = coverage?.perTest[HOOKS];
    if (!coverage || !hooks) return;
    delete coverage.perTest[HOOKS];
    // No test ran (all skipped): keep the hits, as static ones, rather than lose them.
    const targets = testIds.size > 0 ? [...testIds].map((id) => (coverage.perTest[id] ??= {})) : [coverage.static];
    for (const target of targets) {
      for (const [mutantId, hits] of Object.entries(hooks)) target[mutantId] = (target[mutantId] ?? 0) + hits;
    }
  });
}
