import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '#shared/adapters/dynamodb/table.ts';
import { getConfig } from '#shared/config.ts';
import { getAdapters } from '#shared/runtime.ts';
import { bootstrapTenant } from '#shared/services/bootstrap.ts';
import { loadSecretHasher } from '#shared/services/secret-hasher.ts';
import { call } from '../support/api.ts';

const bootstrap = (tenant: string) => bootstrapTenant(getAdapters(), tenant, new Date());

// This file's table starts empty: no pepper, no signing key, no tenant. What happens before and
// at the first bootstraps is caught here, whatever order the tests below run in.
let beforeAnyBootstrap: unknown;
let firstBootstraps: Awaited<ReturnType<typeof bootstrap>>[];
beforeAll(async () => {
  const { dynamoDb, store, cipher } = getAdapters();
  await ensureTable(dynamoDb, getConfig().tableName);
  beforeAnyBootstrap = await loadSecretHasher(store.settings, cipher).catch((error: unknown) => error);
  // Two first bootstraps at once both create a pepper; one write wins and both go on with it.
  firstBootstraps = await Promise.all([bootstrap('first-racer'), bootstrap('second-racer')]);
});

describe('bootstrap', () => {
  it('comes before anything can hash a secret', () => {
    expect(beforeAnyBootstrap).toMatchObject({
      code: 'service.not_initialised',
      message: 'Keyward is not initialised yet: bootstrap a tenant first.',
    });
  });

  it('run first by two at once leaves one pepper, and both system keys work', async () => {
    for (const { apiKey } of firstBootstraps) {
      expect((await call('POST', '/v1/authentication', { json: { apiKey } })).status).toBe(200);
    }
  });

  it('refuses a tenant id that is not one, and says what one is', async () => {
    await expect(bootstrap('Not_A_Tenant')).rejects.toMatchObject({
      code: 'request.invalid',
      message: "Tenant ids are 2-63 lowercase letters, digits or dashes, starting with a letter or digit; 'Not_A_Tenant' is not one.",
    });
  });

  it('lets exactly one of two racing bootstraps of a tenant win, and tells the other why', async () => {
    const outcomes = await Promise.allSettled([bootstrap('raced-tenant'), bootstrap('raced-tenant')]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(refused?.reason).toMatchObject({
      code: 'tenant.exists',
      message:
        "Tenant 'raced-tenant' already exists; its system key was printed when it was bootstrapped, and a second bootstrap is refused so nobody can take a tenant over.",
    });
  });

  it('makes a system key that was never kept recoverable, created by the bootstrap', async () => {
    const { keyId } = await bootstrap('system-key-record');
    expect(await getAdapters().store.keys.get(keyId)).toMatchObject({ type: 'system', recoverable: false, createdBy: 'bootstrap' });
  });
});
