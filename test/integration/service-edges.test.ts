import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAdapters } from '#shared/runtime.ts';
import { WriteConflict, type SettingsStore } from '#shared/ports.ts';
import { bootstrapTenant } from '#shared/services/bootstrap.ts';
import { provisionPepper } from '#shared/services/secret-hasher.ts';
import { call, countRecordedUses, createKey, errorOf, newTenant, withKey } from '../support/api.ts';

// What only a race, a failing store, a caller short of a scope or a key used in vain reaches,
// in the services a mutation run found untested: real services over DynamoDB Local.

let admin: string;

beforeAll(async () => {
  ({ apiKey: admin } = await newTenant('service-edges'));
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('creating a key with a scope the caller does not hold', () => {
  it('is refused, naming the scope it may not grant', async () => {
    const { apiKey: caller } = await createKey(admin, { name: 'reports only', scopes: ['reports:read'] });
    const refused = await call('POST', '/v1/keys', {
      headers: withKey(caller),
      json: { name: 'wider', type: 'viewer', scopes: ['reports:read', 'billing:write'] },
    });
    expect(errorOf(refused)).toEqual([403, 'auth.forbidden', "You cannot grant scopes you do not hold yourself: 'billing:write'."]);
  });
});

describe("a tenant's most used keys", () => {
  it('leave out a key whose every use was refused', async () => {
    const { apiKey: own, keyId: systemKey } = await newTenant('service-edges-usage');
    const used = await createKey(own, { name: 'used' });
    const refused = await createKey(own, { name: 'refused' });
    expect((await call('PATCH', `/v1/keys/${refused.key.id}`, { headers: withKey(own), json: { enabled: false } })).status).toBe(200);
    expect((await call('POST', '/v1/authentication', { json: { apiKey: used.apiKey } })).status).toBe(200);
    expect((await call('POST', '/v1/authentication', { json: { apiKey: refused.apiKey } })).status).toBe(401);
    await countRecordedUses();
    const usage = await call('GET', '/v1/usage', { headers: withKey(own) });
    // The system key's own management calls are valid uses too.
    expect(usage.body.totals.refused).toBe(1);
    expect(usage.body.topKeys.map((top: { keyId: string }) => top.keyId)).toEqual([systemKey, used.key.id]);
    expect(usage.body.topKeys[1]).toEqual({ keyId: used.key.id, name: 'used', valid: 1 });
  });
});

describe('provisioning the pepper', () => {
  const failingWith = (error: Error): SettingsStore => ({
    get: async () => undefined,
    put: async () => {
      throw error;
    },
  });

  it('keeps the pepper of a caller that won the race, and passes any other failure on', async () => {
    const { cipher } = getAdapters();
    await expect(provisionPepper(failingWith(new WriteConflict('setting')), cipher)).resolves.toBeUndefined();
    await expect(provisionPepper(failingWith(new Error('store unavailable')), cipher)).rejects.toThrow('store unavailable');
  });
});

describe('a bootstrap whose write fails', () => {
  it('says the tenant exists only when its tenant record lost the race', async () => {
    const { store } = getAdapters();
    const write = vi.spyOn(store.changes, 'write');
    const conflict = new WriteConflict('createKey');
    write.mockRejectedValueOnce(conflict);
    await expect(bootstrapTenant(getAdapters(), 'service-edges-conflict', new Date())).rejects.toBe(conflict);
    write.mockRejectedValueOnce(new Error('store unavailable'));
    await expect(bootstrapTenant(getAdapters(), 'service-edges-conflict', new Date())).rejects.toThrow('store unavailable');
    write.mockRejectedValueOnce(new WriteConflict('createTenant'));
    await expect(bootstrapTenant(getAdapters(), 'service-edges-conflict', new Date())).rejects.toMatchObject({ code: 'tenant.exists' });
  });
});
