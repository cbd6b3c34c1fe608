import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The tests that exercise shared/domain and shared/services in-process, for `npm run mutate`:
// unit tests and the integration files that call the handlers directly (no servers, CLI or CDK).
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/auth-failures.test.ts',
      'test/integration/bad-input.test.ts',
      'test/integration/events.test.ts',
      'test/integration/idempotency.test.ts',
      'test/integration/key-lifecycle.test.ts',
      'test/integration/listing-and-purge.test.ts',
      'test/integration/oauth-conformance.test.ts',
      'test/integration/rotation-and-concurrency.test.ts',
      'test/integration/security-review.test.ts',
      'test/integration/token-authorizer.test.ts',
      'test/integration/tokens-and-secrets.test.ts',
      'test/integration/usage-analytics.test.ts',
      'test/integration/usage-controls.test.ts',
    ],
  },
});
