import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DecryptCommand,
  DependencyTimeoutException,
  EncryptCommand,
  KMSClient,
  KMSInternalException,
  KMSServiceException,
  KeyUnavailableException,
} from '@aws-sdk/client-kms';
import { LocalKeyringCipher } from '#shared/adapters/local-keyring-cipher.ts';
import type { SealContext } from '#shared/ports.ts';

// The runtime under test seals with KMS (a KmsCipher over a KMSClient); it reads this once.
process.env.KEYWARD_CIPHER = 'kms';
process.env.KEYWARD_KMS_KEY_ID = 'alias/keyward-test';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

/**
 * KMS as the runtime's KMSClient sees it: Encrypt and Decrypt backed by a local keyring
 * (which binds the encryption context as KMS does), until `outage` makes every call fail.
 */
const kms = mockClient(KMSClient);
const keyring = new LocalKeyringCipher(randomBytes(32));
let outage: (() => Error) | undefined;
const contextOf = (context: Record<string, string>): SealContext => ({
  tenant: context.tenant!,
  keyId: context.keyId!,
  purpose: context.purpose as SealContext['purpose'],
});
kms.on(EncryptCommand).callsFake(async (input) => {
  if (outage) throw outage();
  return { KeyId: input.KeyId, CiphertextBlob: Buffer.from(await keyring.seal(input.Plaintext, contextOf(input.EncryptionContext))) };
});
kms.on(DecryptCommand).callsFake(async (input) => {
  if (outage) throw outage();
  return {
    KeyId: input.KeyId,
    Plaintext: await keyring.open(Buffer.from(input.CiphertextBlob).toString('utf8'), contextOf(input.EncryptionContext)),
  };
});
const kmsCalls = () => kms.calls().length;

const AWS_TEXT = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd is unavailable';
const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode, requestId: 'KMS-REQUEST-ID' } });
const kmsFaults: Record<string, () => Error> = {
  KMSInternalException: () => new KMSInternalException({ message: AWS_TEXT, ...metadata(500) }),
  DependencyTimeoutException: () => new DependencyTimeoutException({ message: AWS_TEXT, ...metadata(503) }),
  KeyUnavailableException: () => new KeyUnavailableException({ message: AWS_TEXT, ...metadata(500) }),
  ThrottlingException: () =>
    new KMSServiceException({ name: 'ThrottlingException', $fault: 'client', message: AWS_TEXT, ...metadata(400) }),
  TimeoutError: () => Object.assign(new Error(`${AWS_TEXT}: requestTimeout`), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
};

const { call, newTenant, withKey, withToken } = await import('../support/api.ts');
const { getAdapters } = await import('#shared/runtime.ts');
const { KmsCipher } = await import('#shared/adapters/kms-cipher.ts');

type Answer = Awaited<ReturnType<typeof call>>;

function expectUnavailable(response: Answer) {
  expect(response.status, response.text).toBe(503);
  expect(response.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
  expect(response.body).toEqual({ code: 'service.unavailable', message: expect.any(String), requestId: response.headers['x-request-id'] });
  expect(response.text).not.toMatch(/arn:|1234abcd|KMS|Internal|Timeout|Throttl|is unavailable/);
}

let system: { apiKey: string; keyId: string };

beforeAll(async () => {
  // Bootstrap seals the pepper and the first signing key with (mocked) KMS; no handler has run yet.
  system = await newTenant('kms');
  expect(getAdapters().cipher).toBeInstanceOf(KmsCipher);
});

const authenticate = (apiKey: string) => call('POST', '/v1/authentication', { json: { apiKey } });

describe('KMS down', () => {
  it('on a cold start answers 503, and tries KMS again on the next request until it is back', async () => {
    // A function that has served nothing yet, whatever else this file ran before: the runtime
    // and the handlers are loaded afresh, so their first request is a cold start.
    vi.resetModules();
    const cold = await import('../support/api.ts');
    const authenticateCold = (apiKey: string) => cold.call('POST', '/v1/authentication', { json: { apiKey } });
    outage = kmsFaults.KMSInternalException;
    const before = kmsCalls();
    expectUnavailable(await authenticateCold(system.apiKey));
    const afterFirst = kmsCalls();
    expect(afterFirst).toBeGreaterThan(before);
    outage = kmsFaults.DependencyTimeoutException;
    expectUnavailable(await authenticateCold(system.apiKey));
    // The failed start was not kept: the second request asked KMS again.
    expect(kmsCalls()).toBeGreaterThan(afterFirst);
    outage = undefined;
    expect((await authenticateCold(system.apiKey)).status).toBe(200);
  });

  it('on a warm function: authentication, tokens, listing and verify go on with no KMS call; what must seal or open answers 503 and writes nothing', async () => {
    outage = undefined;
    const headers = withKey(system.apiKey);
    const recoverable = await call('POST', '/v1/keys', { headers, json: { name: 'recoverable', type: 'viewer', recoverable: true } });
    expect(recoverable.status).toBe(201);
    const member = await call('POST', '/v1/keys', { headers, json: { name: 'member', type: 'viewer' } });
    const auth = await authenticate(member.body.apiKey);
    expect(auth.status).toBe(200);

    for (const [fault, error] of Object.entries(kmsFaults)) {
      outage = error;
      const before = kmsCalls();
      for (let i = 0; i < 3; i++) expect((await authenticate(member.body.apiKey)).status, fault).toBe(200);
      const oauth = await call('POST', '/v1/oauth/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        raw: `grant_type=client_credentials&client_id=${member.body.key.id}&client_secret=${member.body.keySecret}`,
      });
      expect(oauth.status, fault).toBe(200);
      expect((await call('GET', '/v1/keys', { headers: withToken(auth.body.token) })).status).toBe(200);
      expect((await call('POST', '/v1/keys/verify', { headers, json: { apiKey: member.body.apiKey } })).body.valid).toBe(true);
      expect((await call('POST', '/v1/keys', { headers, json: { name: `plain during ${fault}`, type: 'viewer' } })).status).toBe(201);
      expect(kmsCalls(), `${fault}: a warm function asked KMS`).toBe(before);

      expectUnavailable(await call('GET', `/v1/keys/${recoverable.body.key.id}/secret`, { headers }));
      expectUnavailable(
        await call('POST', '/v1/keys', { headers, json: { name: `recoverable during ${fault}`, type: 'viewer', recoverable: true } }),
      );
      expectUnavailable(
        await call('POST', '/v1/keys', {
          headers: { ...headers, 'idempotency-key': `during-${fault}` },
          json: { name: `idempotent during ${fault}`, type: 'viewer' },
        }),
      );
    }

    outage = undefined;
    const names = ((await call('GET', '/v1/keys?limit=100', { headers })).body.items as { name: string }[]).map((key) => key.name);
    expect(names.filter((name) => name.includes('during')).sort()).toEqual(
      Object.keys(kmsFaults)
        .map((fault) => `plain during ${fault}`)
        .sort(),
    );
    // Back: what needed KMS works again, with no restart.
    expect((await call('GET', `/v1/keys/${recoverable.body.key.id}/secret`, { headers })).status).toBe(200);
    expect(
      (
        await call('POST', '/v1/keys', {
          headers: { ...headers, 'idempotency-key': 'after' },
          json: { name: 'idempotent after', type: 'viewer' },
        })
      ).status,
    ).toBe(201);
  });
});
