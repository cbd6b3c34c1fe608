import { describe, expect, it, vi } from 'vitest';

// Spy on the real node:crypto so the test can see which comparison decides a match.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => actual.timingSafeEqual(a, b)) };
});

const { timingSafeEqual } = await import('node:crypto');
const { SecretHasher } = await import('#shared/services/secret-hasher.ts');
const spy = vi.mocked(timingSafeEqual);

describe('secret comparison', () => {
  const hasher = new SecretHasher(Buffer.alloc(32, 7));
  const keyId = 'Ab3dE5gH7jK9mN1p';

  it('compares the stored hash with the computed one in constant time', () => {
    const stored = hasher.hash(keyId, 'secret');
    const before = spy.mock.calls.length;
    expect(hasher.matches(keyId, 'secret', stored)).toBe(true);
    expect(hasher.matches(keyId, 'secreT', stored)).toBe(false);
    expect(spy.mock.calls.length - before).toBe(2);
    const [expected, actual] = spy.mock.calls[before]!;
    expect(Buffer.from(expected as Uint8Array).toString('base64url')).toBe(stored);
    expect(Buffer.from(actual as Uint8Array).toString('base64url')).toBe(stored);
  });

  it('takes its answer from timingSafeEqual, not from another comparison', () => {
    const stored = hasher.hash(keyId, 'secret');
    spy.mockReturnValueOnce(false);
    expect(hasher.matches(keyId, 'secret', stored)).toBe(false);
    spy.mockReturnValueOnce(true);
    expect(hasher.matches(keyId, 'wrong', stored)).toBe(true);
  });
});
