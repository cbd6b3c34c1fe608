import { describe, expect, it } from 'vitest';
import { tenantPattern } from '#shared/domain/tenant.ts';

describe('tenant ids', () => {
  it('start with a lowercase letter or digit', () => {
    for (const good of ['acme', 'a1', '7eleven', 'acme-eu-1']) expect(tenantPattern.test(good), good).toBe(true);
    for (const bad of ['-acme', '_acme', '.acme', ' acme', 'Acme', 'a', 'acme_eu', `a${'b'.repeat(63)}`])
      expect(tenantPattern.test(bad), bad).toBe(false);
  });
});
