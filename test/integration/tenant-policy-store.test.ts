import { beforeAll, describe, expect, it } from 'vitest';
import { getAdapters } from '#shared/runtime.ts';
import { defaultTenantPolicy, TenantPolicies } from '#shared/services/tenant-policy.ts';
import { call, newTenant, withKey } from '../support/api.ts';

const TENANT = 'tenant-policy-store';
let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant(TENANT));
});

describe('the tenant policy', () => {
  it('is stored for every function, and its change audited with the whole policy', async () => {
    const policy = { ...defaultTenantPolicy, requireExpiry: true, maxLifetimeDays: 30 };
    const put = await call('PUT', '/v1/tenant/policy', { headers: withKey(admin), json: policy });
    expect(put.status).toBe(200);
    expect(put.body).toEqual(policy);
    // Another function, with a cold cache, reads it from the table.
    expect(await new TenantPolicies(getAdapters().store.tenants).get(TENANT)).toEqual(policy);
    const events = (await call('GET', '/v1/audit', { headers: withKey(admin) })).body.items as { action: string; details: unknown }[];
    expect(events.find((event) => event.action === 'tenant.policy_update')?.details).toEqual(policy);
  });

  it('is read fresh by GET, not from a cache another function may have made stale', async () => {
    expect((await call('GET', '/v1/tenant/policy', { headers: withKey(admin) })).status).toBe(200);
    // Another function changes it; the GET right after shows the change.
    const changed = { ...defaultTenantPolicy, maxGracePeriodSeconds: 60 };
    await getAdapters().store.changes.write([{ kind: 'setTenantPolicy', tenant: TENANT, policy: changed }]);
    expect((await call('GET', '/v1/tenant/policy', { headers: withKey(admin) })).body).toEqual(changed);
  });
});
