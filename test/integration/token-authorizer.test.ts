import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { freePort } from '#local/dynamodb-local.ts';

// The authorizer fetches the JWKS from the issuer: serve this file's Keyward over HTTP as the issuer.
const port = await freePort();
process.env.KEYWARD_ISSUER = `http://127.0.0.1:${port}`;
const { createLocalServer } = await import('#local/server.ts');
const { createKey, newTenant, tokenFor } = await import('../support/api.ts');
const { handler } = await import('#functions/token-authorizer.ts');
const { getTokenService } = await import('#shared/runtime.ts');

const server = createLocalServer();
const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/orders/42';
let token: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  expect((server.address() as AddressInfo).port).toBe(port);
  const tenant = await newTenant('downstream');
  const { apiKey } = await createKey(tenant.apiKey, { type: 'viewer', scopes: ['orders:read'] });
  token = await tokenFor(apiKey);
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('token authorizer for downstream APIs', () => {
  it('allows the API for a valid token and passes tenant, key id and scopes on', async () => {
    const result = await handler({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn });
    expect(result.policyDocument.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/*',
    });
    expect(result.context).toMatchObject({ tenant: 'downstream', keyType: 'viewer', scopes: 'keys:read orders:read' });
    expect(result.principalId).toBe(result.context!.keyId);
  });

  it('refuses expired, tampered and foreign tokens, and other schemes', async () => {
    const tenant = await newTenant('downstream-expired');
    const { getAdapters } = await import('#shared/runtime.ts');
    const key = (await getAdapters().store.keys.get(tenant.keyId))!;
    const expired = (await getTokenService().issue(key, 60, new Date(Date.now() - 3600_000))).token;
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), tenant: 'other' })).toString('base64url')}.${signature}`;
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
    for (const authorizationToken of [`Bearer ${expired}`, `Bearer ${tampered}`, `Bearer ${unsigned}`, `Basic ${token}`, token, '']) {
      await expect(handler({ type: 'TOKEN', authorizationToken, methodArn })).rejects.toThrow('Unauthorized');
    }
  });
});
