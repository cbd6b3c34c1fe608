import { defineConfig, type Plugin } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from './vitest.config.ts';

/**
 * The StrykerJS vitest runner (9.x and 10.0) picks the tests that cover a mutant with a
 * `testNamePattern` built from suite and test names joined by a space. Vitest 5 matches that
 * pattern against the names joined by ' > ' (its "testNamePattern matches the full chain" change),
 * so the pattern matched no test and every mutant with per-test coverage "survived" without a
 * single test run (stryker-mutator/stryker-js#6210). This lets each space of the pattern also
 * match ' > '. A space inside a name then matches ' > ' too, which at worst runs a few tests more.
 */
function strykerTestNamePattern(): Plugin {
  return {
    name: 'keyward:stryker-test-name-pattern',
    configureVitest({ project }) {
      let pattern = project.config.testNamePattern;
      Object.defineProperty(project.config, 'testNamePattern', {
        configurable: true,
        enumerable: true,
        get: () => pattern,
        set: (value: typeof pattern) => {
          pattern = value && new RegExp(value.source.replaceAll(' ', '(?: | > )'), value.flags);
        },
      });
    },
  };
}

/**
 * StrykerJS stops a mutant's run at its first failing test (bail), and runs the files one after
 * another. Vitest's own order puts the slowest file first; for a mutant the quickest verdict comes
 * from running first the file that failed on the last mutant (mutants near each other fall to the
 * same tests), then the rest quickest first (the unit tests before DynamoDB-backed files).
 */
class QuickestVerdictFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const last = (file: TestSpecification) => this.ctx.cache.getTestSpecificationResult(file);
    const rank = (file: TestSpecification) => (last(file)?.failed ? 0 : 1);
    const duration = (file: TestSpecification) => last(file)?.duration ?? Number.MAX_SAFE_INTEGER;
    return [...files].sort((a, b) => rank(a) - rank(b) || duration(a) - duration(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

// The tests that exercise shared/domain and shared/services in-process, for `npm run mutate`:
// unit tests and the integration files, but not those that start servers or processes of
// their own, or that never reach a service (the table's setup, the OpenAPI document).
export default defineConfig({
  plugins: [strykerTestNamePattern()],
  test: {
    ...base.test,
    // Results (which file failed, how long each took) stay in memory, for the sequencer above:
    // a mutant's run must not rewrite the cache the ordinary test runs read.
    cache: false,
    // A test that fails once and passes when run again was slowed down (a mutant run shares two
    // cores with DynamoDB Local and the other run), not broken: that is no kill, and must not
    // fail the initial run either.
    retry: 1,
    sequence: { sequencer: QuickestVerdictFirst },
    // Hands what a file's hooks cover to the file's tests (see the file): keeps those mutants off
    // the "static" path that runs every related test file.
    setupFiles: [...[base.test?.setupFiles ?? []].flat(), 'test/support/mutation-coverage.ts'],
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    exclude: [
      ...(base.test?.exclude ?? []),
      'test/integration/dynamodb-freeze.test.ts',
      'test/integration/dynamodb-local-binding.test.ts',
      'test/integration/local-run.test.ts',
      'test/integration/local-server-hardening.test.ts',
      'test/integration/openapi-document.test.ts',
      'test/integration/table-setup.test.ts',
    ],
  },
});
