import { beforeAll, describe, expect, it } from 'vitest';
import { call, createKey, newTenant, withKey } from '../support/api.ts';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ipAllowed } from '#shared/domain/usage-controls.ts';
import { getAdapters } from '#shared/runtime.ts';
import { getConfig } from '#shared/config.ts';

// Input that parsers read in surprising ways: each case failed before its fix.

let admin: string;

beforeAll(async () => {
  admin = (await newTenant('input-hardening')).apiKey;
});

const expectInvalid = (answer: { status: number; body: { code: string; message: string } }, field: string) => {
  expect([answer.status, answer.body.code], JSON.stringify(answer.body)).toEqual([400, 'request.invalid']);
  expect(answer.body.message).toContain(field);
};

describe('allowedIps', () => {
  // Octal, hex, short and single-number forms: inet_aton reads 010.9.9.9 as 8.9.9.9.
  const loose = [
    '010.9.9.9',
    '0x7f.0.0.1',
    '0x7f.1',
    '10.1',
    '2130706433',
    '010.0.0.0/8',
    '10.0.0.0/08',
    '::ffff:010.1.1.1',
    'fe80::1%eth0',
  ];
  const policy = (allowedIps: string[]) => ({ maxLifetimeDays: null, requireExpiry: false, maxGracePeriodSeconds: 0, allowedIps });

  it.each(loose)('refuses %s on create, update and the tenant policy', async (entry) => {
    expectInvalid(
      await call('POST', '/v1/keys', { headers: withKey(admin), json: { name: 'ips', type: 'viewer', allowedIps: [entry] } }),
      'allowedIps.0',
    );
    const { key } = await createKey(admin, { name: 'ips', type: 'viewer' });
    expectInvalid(
      await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(admin), json: { allowedIps: ['192.0.2.0/24', entry] } }),
      'allowedIps.1',
    );
    expectInvalid(
      await call('PUT', '/v1/tenant/policy', { headers: withKey(admin), json: policy(['203.0.113.0/24', entry]) }),
      'allowedIps.1',
    );
  });

  it('takes canonical addresses and blocks, IPv6 compressed or not, and stores them canonically', async () => {
    const given = ['203.0.113.0/24', '2001:db8::/32', '::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '::ffff:192.0.2.1', '0.0.0.0/0'];
    const stored = ['203.0.113.0/24', '2001:db8::/32', '::1/128', '2001:db8::1/128', '::ffff:c000:201/128', '0.0.0.0/0'];
    const created = await createKey(admin, { name: 'ips', type: 'viewer', allowedIps: given });
    expect(created.key.allowedIps).toEqual(stored);
    const updated = await call('PATCH', `/v1/keys/${created.key.id}`, { headers: withKey(admin), json: { allowedIps: given } });
    expect(updated.body.allowedIps).toEqual(stored);
    const put = await call('PUT', '/v1/tenant/policy', { headers: withKey(admin), json: policy(given) });
    expect([put.status, put.body.allowedIps]).toEqual([200, stored]);
    expect((await call('PUT', '/v1/tenant/policy', { headers: withKey(admin), json: { ...policy([]), allowedIps: null } })).status).toBe(
      200,
    );
  });

  it('match only what a stored entry says: one that is no canonical address matches nothing, and breaks nothing', () => {
    expect(ipAllowed('10.1.2.3', ['not an address', '10.0.0.0/8'])).toBe(true);
    expect(ipAllowed('10.1.2.3', ['10.0.0.0/99'])).toBe(false);
    // Read leniently, 010.0.0.0/8 would be 8.0.0.0/8.
    expect(ipAllowed('8.1.2.3', ['010.0.0.0/8'])).toBe(false);
  });
});

describe('meta keys', () => {
  // JSON.parse keeps __proto__ as an own field; an object literal would set the prototype instead.
  const meta = JSON.parse('{"constructor": "c", "__proto__": "p", "toString": 1, "hasOwnProperty": true, "plan": null}');
  const entries = Object.entries(meta);

  it('named like Object.prototype fields are stored and returned as given', async () => {
    const created = await createKey(admin, { name: 'meta', type: 'viewer', meta });
    expect(Object.entries(created.key.meta as object)).toEqual(entries);
    const read = await call('GET', `/v1/keys/${created.key.id}`, { headers: withKey(admin) });
    expect([read.status, Object.entries(read.body.meta)]).toEqual([200, entries]);
    const listed = await call('GET', '/v1/keys?search=meta', { headers: withKey(admin) });
    const item = listed.body.items.find((key: { id: string }) => key.id === created.key.id);
    expect(Object.entries(item.meta)).toEqual(entries);
    const verified = await call('POST', '/v1/keys/verify', { headers: withKey(admin), json: { apiKey: created.apiKey } });
    expect([verified.body.valid, Object.entries(verified.body.meta)]).toEqual([true, entries]);
  });

  it('stored as a map by an earlier release still read as they were', async () => {
    const { key } = await createKey(admin, { name: 'meta', type: 'viewer' });
    await getAdapters().dynamoDb.send(
      new UpdateItemCommand({
        TableName: getConfig().tableName,
        Key: { pk: { S: `KEY#${key.id}` }, sk: { S: 'KEY' } },
        UpdateExpression: 'SET meta = :meta',
        ExpressionAttributeValues: { ':meta': { M: { plan: { S: 'pro' }, seats: { N: '5' } } } },
      }),
    );
    const read = await call('GET', `/v1/keys/${key.id}`, { headers: withKey(admin) });
    expect(read.body.meta).toEqual({ plan: 'pro', seats: 5 });
  });

  it('named so are kept on update too', async () => {
    const { key } = await createKey(admin, { name: 'meta', type: 'viewer', meta: { plan: 'pro' } });
    const changed = JSON.parse('{"__proto__": {"admin": true}}');
    // A nested value is refused like any other, under __proto__ as well.
    expectInvalid(await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(admin), json: { meta: changed } }), 'meta.__proto__');
    const flat = JSON.parse('{"__proto__": "x", "constructor": 2}');
    const updated = await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(admin), json: { meta: flat } });
    expect([updated.status, Object.entries(updated.body.meta)]).toEqual([200, Object.entries(flat)]);
    const read = await call('GET', `/v1/keys/${key.id}`, { headers: withKey(admin) });
    expect(Object.entries(read.body.meta)).toEqual(Object.entries(flat));
  });

  it('follow the character rules of names', async () => {
    const answer = await call('POST', '/v1/keys', {
      headers: withKey(admin),
      json: { name: 'meta', type: 'viewer', meta: { 'evil\u001b[2J': 1 } },
    });
    expectInvalid(answer, 'meta');
  });
});

describe('a lone surrogate', () => {
  const lone = 'a\ud800b';

  it.each([
    ['a name', { name: lone }, 'name'],
    ['a meta value', { meta: { plan: lone } }, 'meta.plan'],
    ['a meta key', { meta: { [lone]: 'pro' } }, 'meta'],
    ['a description', { description: `\udc00${lone}` }, 'description'],
  ])('in %s is refused', async (_, fields, path) => {
    const answer = await call('POST', '/v1/keys', { headers: withKey(admin), json: { name: 'text', type: 'viewer', ...fields } });
    expectInvalid(answer, path);
    expect(answer.body.details).toEqual([{ path, message: expect.stringContaining('lone surrogate') }]);
  });

  it('in a revoke reason is refused', async () => {
    const { key } = await createKey(admin, { name: 'text', type: 'viewer' });
    expectInvalid(await call('POST', `/v1/keys/${key.id}/revoke`, { headers: withKey(admin), json: { reason: lone } }), 'reason');
  });

  it('in a query parameter is refused', async () => {
    // API Gateway hands over decoded query values; set one as it would arrive.
    const answer = await call('GET', '/v1/keys?search=x', {
      headers: withKey(admin),
      event: (event) => {
        event.queryStringParameters = { search: lone };
        event.multiValueQueryStringParameters = { search: [lone] };
      },
    });
    expectInvalid(answer, 'search');
  });

  it('paired, as any character outside the BMP, is text like any other', async () => {
    const created = await createKey(admin, { name: 'rocket \ud83d\ude80', type: 'viewer', meta: { '\ud83d\ude80': '\ud83d\ude80' } });
    expect([created.key.name, created.key.meta]).toEqual(['rocket 🚀', { '🚀': '🚀' }]);
  });
});
