import { beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { keyUsageResponse, tenantUsageResponse } from '#shared/http/schemas.ts';
import { createServices, getAdapters } from '#shared/runtime.ts';
import { getConfig } from '#shared/config.ts';
import { formatApiKey } from '#shared/domain/api-key.ts';
import { emptyCounts, HOUR_MS, type UseOutcome } from '#shared/domain/usage-analytics.ts';
import { formatUseLine, parseUseLine } from '#shared/adapters/use-lines.ts';
import { UseFileCounter } from '#local/use-counter.ts';
import { call, countRecordedUses, createKey, newTenant, withKey, withToken } from '../support/api.ts';
import { commandsSentBy, writesOf } from '../support/dynamodb-calls.ts';

let admin: string;

beforeAll(async () => {
  admin = (await newTenant('analytics')).apiKey;
});

const authenticate = (apiKey: string, sourceIp?: string) =>
  call('POST', '/v1/authentication', { json: { apiKey }, ...(sourceIp ? { sourceIp } : {}) });

describe('usage analytics', () => {
  it('count every use whose secret was right, by outcome, and serve them per key with empty buckets, oldest first', async () => {
    const { key, apiKey } = await createKey(admin, {
      name: 'counted',
      rateLimit: { limit: 2, windowSeconds: 86_400 },
      allowedIps: ['203.0.113.0/24'],
    });
    const from = '203.0.113.9';
    expect((await authenticate(apiKey, from)).status).toBe(200);
    expect((await authenticate(apiKey, from)).status).toBe(200);
    expect((await authenticate(apiKey, from)).status).toBe(429);
    expect((await authenticate(apiKey, '198.51.100.1')).status).toBe(403);
    // A wrong secret is not a use: nobody proved they hold the key.
    expect((await authenticate(formatApiKey('kw', { keyId: key.id, secret: 'B'.repeat(32) }), from)).status).toBe(401);
    await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(admin), json: { enabled: false } });
    expect((await authenticate(apiKey, from)).status).toBe(401);

    await countRecordedUses();
    const usage = keyUsageResponse.parse((await call('GET', `/v1/keys/${key.id}/usage`, { headers: withKey(admin) })).body);
    expect(usage.totals).toEqual({ valid: 2, rateLimited: 1, usageExceeded: 0, ipNotAllowed: 1, refused: 1 });
    expect(usage.items.length).toBeGreaterThanOrEqual(24);
    expect(usage.items.length).toBeLessThanOrEqual(25);
    expect(usage.items.map((item) => item.at)).toEqual([...usage.items.map((item) => item.at)].sort());
    expect(usage.items.filter((item) => item.valid + item.rateLimited + item.ipNotAllowed + item.refused === 0).length).toBe(
      usage.items.length - 1,
    );

    const daily = keyUsageResponse.parse(
      (
        await call('GET', `/v1/keys/${key.id}/usage?granularity=day&from=${new Date(Date.now() - 6 * 86_400_000).toISOString()}`, {
          headers: withKey(admin),
        })
      ).body,
    );
    expect(daily.items).toHaveLength(7);
    expect(daily.items.every((item) => item.at.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(daily.totals.valid).toBe(2);
  });

  it('serve the tenant totals and its ten most used keys', async () => {
    const tenant = await newTenant('analytics-top');
    // As an admin through a token: its calls are not uses, only the one exchange is.
    const token = (await authenticate(tenant.apiKey)).body.token as string;
    const create = async (name: string) =>
      (await call('POST', '/v1/keys', { headers: withToken(token), json: { name, type: 'viewer' } })).body as {
        key: { id: string };
        apiKey: string;
      };
    const keys = await Promise.all(Array.from({ length: 12 }, (_, i) => create(`key ${i}`)));
    for (const [i, { apiKey }] of keys.entries()) for (let n = 0; n <= i; n++) expect((await authenticate(apiKey)).status).toBe(200);
    await countRecordedUses();
    const usage = tenantUsageResponse.parse((await call('GET', '/v1/usage', { headers: withToken(token) })).body);
    expect(usage.totals.valid).toBe((12 * 13) / 2 + 1);
    expect(usage.topKeys).toHaveLength(10);
    expect(usage.topKeys[0]).toEqual({ keyId: keys[11]!.key.id, name: 'key 11', valid: 12 });
    expect(usage.topKeys.map((top) => top.valid)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
  });

  it("take a range of up to 90 days, from before or at to, and refuse anything else or another tenant's key", async () => {
    const { key } = await createKey(admin, { name: 'range' });
    const usage = (query: string) => call('GET', `/v1/usage?${query}`, { headers: withKey(admin) });
    const to = '2026-04-01T00:00:00.000Z';
    const daysBefore = (days: number, ms = 0) => new Date(Date.parse(to) - days * 86_400_000 - ms).toISOString();
    expect((await usage(`from=${daysBefore(90)}&to=${to}`)).status).toBe(200);
    expect((await usage(`from=${to}&to=${to}`)).status).toBe(200);
    const tooLong = await usage(`from=${daysBefore(90, 1)}&to=${to}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({
      code: 'request.invalid',
      message: 'The query string is not valid: from must be at most 90 days before to.',
      details: [{ path: 'from', message: 'must be at most 90 days before to' }],
    });
    const backwards = await usage(`from=${daysBefore(0, -1)}&to=${to}`);
    expect(backwards.status).toBe(400);
    expect(backwards.body).toMatchObject({
      message: 'The query string is not valid: from must not be after to.',
      details: [{ path: 'from', message: 'must not be after to' }],
    });
    const other = await newTenant('analytics-other');
    expect((await call('GET', `/v1/keys/${key.id}/usage`, { headers: withKey(other.apiKey) })).status).toBe(404);
  });

  it('cost no write on the request path: a use is one recorded line when on, and nothing at all when turned off', async () => {
    const { key, apiKey } = await createKey(admin, { name: 'quiet' });
    expect((await authenticate(apiKey)).status).toBe(200); // records lastUsedAt, once per interval
    const adapters = getAdapters();
    const on = await createServices(adapters);
    const off = await createServices({ ...adapters, config: { ...adapters.config, usageAnalytics: false } });
    const use = (services: typeof on) => services.authenticator.checkKey({ apiKey }, { sourceIp: null, now: new Date() });
    const linesOfKey = () => recordedLines().filter((use) => use.keyId === key.id).length;
    const before = linesOfKey();
    expect(await writesOf(() => use(on))).toBe(0);
    expect(linesOfKey()).toBe(before + 1);
    expect(await writesOf(() => use(off))).toBe(0);
    expect(linesOfKey()).toBe(before + 1);
  });

  it('count a batch of uses once however often it is delivered, summed per key and hour, in transactions of at most 100 items', async () => {
    const { usage } = getAdapters().store;
    const hour = Date.parse('2026-11-02T10:00:00Z');
    // 150 keys in two hours: 300 counters, more than one transaction holds.
    const uses = Array.from({ length: 150 }, (_, i) => [
      { tenant: 'batches', keyId: `batch-key-${i}`, outcome: 'valid' as UseOutcome, at: new Date(hour + 1000 * i) },
      { tenant: 'batches', keyId: `batch-key-${i}`, outcome: 'valid' as UseOutcome, at: new Date(hour + 2000 * i) },
      { tenant: 'batches', keyId: `batch-key-${i}`, outcome: 'rateLimited' as UseOutcome, at: new Date(hour + HOUR_MS + i) },
    ]).flat();
    const sent = await commandsSentBy(() => usage.add('batch-1', uses));
    expect(sent).toEqual([
      'TransactWriteItemsCommand',
      'TransactWriteItemsCommand',
      'TransactWriteItemsCommand',
      'TransactWriteItemsCommand',
    ]);
    await usage.add('batch-1', uses);
    await usage.add('batch-1', uses.slice(0, 100));
    const totals = async () => {
      const buckets = await usage.ofTenant('batches', new Date(hour), new Date(hour + HOUR_MS));
      return buckets.reduce(
        (sum, bucket) => ({ valid: sum.valid + bucket.counts.valid, rateLimited: sum.rateLimited + bucket.counts.rateLimited }),
        { valid: 0, rateLimited: 0 },
      );
    };
    expect(await totals()).toEqual({ valid: 300, rateLimited: 150 });
    expect(
      (await usage.ofKey('batch-key-7', new Date(hour), new Date(hour + HOUR_MS)))
        .map((bucket) => bucket.counts)
        .sort((a, b) => a.valid - b.valid),
    ).toEqual([
      { ...emptyCounts(), rateLimited: 1 },
      { ...emptyCounts(), valid: 2 },
    ]);
    // Another batch with the same uses is other uses: it counts.
    await usage.add('batch-2', uses.slice(0, 3));
    expect(await totals()).toEqual({ valid: 302, rateLimited: 151 });
  });

  it('count a recorded file locally: whole lines only, other lines skipped, each line once, a file begun again from its start', async () => {
    const file = `${getConfig().usesFile}.counter-test`;
    const counter = new UseFileCounter(file, getAdapters().store.usage);
    const at = new Date('2026-11-03T08:15:00Z');
    const line = (keyId: string) => formatUseLine({ tenant: 'file-count', keyId, outcome: 'valid', at });
    const valid = async (keyId: string) =>
      (await getAdapters().store.usage.ofKey(keyId, at, at)).reduce((sum, bucket) => sum + bucket.counts.valid, 0);

    writeFileSync(
      file,
      `${line('file-a')}a log line that is not a use\n{"kind":"keyward.use","keyId":"no-tenant"}\n${line('file-a').slice(0, 30)}`,
    );
    await counter.drain();
    expect(await valid('file-a')).toBe(1);
    // The torn line is finished later, then counted once, however often the counter runs.
    appendFileSync(file, `${line('file-a').slice(30)}${line('file-b')}`);
    await Promise.all([counter.drain(), counter.drain()]);
    await counter.drain();
    expect([await valid('file-a'), await valid('file-b')]).toEqual([2, 1]);
    // A counter that starts again where the last one stopped counts nothing twice.
    await new UseFileCounter(file, getAdapters().store.usage).drain();
    expect(await valid('file-a')).toBe(2);
    // A file begun again (shorter than what was counted) is counted from its start.
    writeFileSync(file, line('file-c'));
    await counter.drain();
    expect(await valid('file-c')).toBe(1);
  });
});

/** The uses this test file's handlers recorded so far. */
function recordedLines() {
  const file = getConfig().usesFile!;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map(parseUseLine)
    .filter((use) => use !== undefined);
}

describe('use lines', () => {
  it('carry ids, outcome and time only, and parse back; anything else is not a use', () => {
    const use = { tenant: 'acme', keyId: 'Ab3dE5gH7jK9mN1p', outcome: 'ipNotAllowed' as const, at: new Date('2026-11-23T06:00:00.000Z') };
    const line = formatUseLine(use);
    expect(JSON.parse(line)).toEqual({
      kind: 'keyward.use',
      tenant: 'acme',
      keyId: 'Ab3dE5gH7jK9mN1p',
      outcome: 'ipNotAllowed',
      at: '2026-11-23T06:00:00.000Z',
    });
    expect(line.endsWith('\n')).toBe(true);
    expect(parseUseLine(line)).toEqual(use);
    // Lambda may put a prefix before a line; the use is still read.
    expect(parseUseLine(`2026-11-23T06:00:00.000Z\tabc\tINFO\t${line}`)).toEqual(use);
    for (const other of [
      '',
      'plain text',
      'null',
      '{"kind":"other"}',
      line.replace('ipNotAllowed', 'stolen'),
      line.replace('2026-11-23T06', 'not a time'),
      line.replace('"acme"', '7'),
    ]) {
      expect(parseUseLine(other), other).toBeUndefined();
    }
  });
});
