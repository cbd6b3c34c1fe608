import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// This file reads every log line: turn logging and metrics fully on before the runtime loads.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

const { call, createKey, newTenant, tokenFor, withKey, withToken } = await import('../support/api.ts');
const { getAdapters } = await import('#shared/runtime.ts');

const output: string[] = [];
const originals = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };

beforeAll(() => {
  const capture = (chunk: unknown) => {
    output.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
});

afterAll(() => {
  process.stdout.write = originals.stdout;
  process.stderr.write = originals.stderr;
});

describe('logs', () => {
  it('never contain a secret, a token or the pepper, whatever the outcome', async () => {
    const tenant = await newTenant('logging');
    const secrets: string[] = [tenant.apiKey];
    const token = await tokenFor(tenant.apiKey);
    secrets.push(token);
    const created = await createKey(tenant.apiKey, { recoverable: true });
    secrets.push(created.apiKey, created.keySecret);
    const regenerated = await call('POST', `/v1/keys/${created.key.id}/regenerate`, {
      headers: withToken(token),
      json: { gracePeriodSeconds: 60 },
    });
    secrets.push(regenerated.body.apiKey, regenerated.body.keySecret);
    await call('GET', `/v1/keys/${created.key.id}/secret`, { headers: withToken(token) });
    await call('GET', `/v1/keys?search=${regenerated.body.apiKey}`, { headers: withKey(tenant.apiKey) });
    await call('POST', '/v1/keys/verify', { headers: withKey(tenant.apiKey), json: { token } });
    // Failures: a wrong secret, a malformed body quoting a key, a bad token, an OAuth failure.
    const wrong = `${created.apiKey.slice(0, -8)}AAAAAAAA`;
    secrets.push(wrong);
    await call('POST', '/v1/authentication', { json: { apiKey: wrong } });
    await call('POST', '/v1/authentication', {
      raw: `{"apiKey": "${regenerated.body.apiKey}"`,
      headers: { 'content-type': 'application/json' },
    });
    await call('GET', '/v1/whoami', { headers: withToken(`${token}x`) });
    await call('POST', '/v1/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      raw: `grant_type=client_credentials&client_id=${created.key.id}&client_secret=${regenerated.body.keySecret}`,
    });

    const { store, cipher } = getAdapters();
    const sealedPepper = (await store.settings.get<string>('pepper'))!.value;
    const pepper = Buffer.from(await cipher.open(sealedPepper, { tenant: '*', keyId: '*', purpose: 'pepper' }));
    secrets.push(pepper.toString('hex'), pepper.toString('base64'), pepper.toString('base64url'), sealedPepper);

    const logs = output.join('');
    expect(logs).toContain('"message":"request"');
    expect(logs).toContain('AuthenticationFailure');
    for (const secret of secrets) expect(logs.includes(secret), `a secret of length ${secret.length} was logged`).toBe(false);
    expect(logs).not.toMatch(/kw_[A-Za-z0-9]{54}/);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
  });
});

describe('faults', () => {
  it('answer a generic 500 with no AWS error text, table or key names, and log it', async () => {
    const tenant = await newTenant('faulty');
    const { dynamoDb, config } = getAdapters();
    const fault = 'keyward-fault';
    dynamoDb.middlewareStack.add(
      () => async () => {
        // An error no dependency outage explains (throttling and the like answer 503: faults.test.ts).
        throw Object.assign(new Error(`ValidationException on table ${config.tableName}`), {
          name: 'ValidationException',
          $metadata: { httpStatusCode: 400 },
        });
      },
      { step: 'initialize', name: fault },
    );
    try {
      const before = output.length;
      const response = await call('GET', '/v1/keys', { headers: withKey(tenant.apiKey) });
      expect(response.status).toBe(500);
      expect(response.body).toEqual({ code: 'internal.error', message: expect.any(String), requestId: response.headers['x-request-id'] });
      expect(response.text).not.toMatch(/Validation|keyward-test|stack|at /);
      expect(output.slice(before).join('')).toContain('ValidationException');
    } finally {
      dynamoDb.middlewareStack.remove(fault);
    }
    expect((await call('GET', '/v1/keys', { headers: withKey(tenant.apiKey) })).status).toBe(200);
  });

  it('keep nothing half-done: a failed audit write leaves the key unchanged', async () => {
    const tenant = await newTenant('atomic');
    const { key } = await createKey(tenant.apiKey, { name: 'unchanged' });
    const { dynamoDb } = getAdapters();
    const fault = 'keyward-transaction-fault';
    dynamoDb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand') throw new Error('network down');
        return next(args);
      },
      { step: 'initialize', name: fault },
    );
    try {
      const response = await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(tenant.apiKey), json: { name: 'changed' } });
      expect(response.status).toBe(500);
    } finally {
      dynamoDb.middlewareStack.remove(fault);
    }
    expect((await call('GET', `/v1/keys/${key.id}`, { headers: withKey(tenant.apiKey) })).body.name).toBe('unchanged');
  });
});
