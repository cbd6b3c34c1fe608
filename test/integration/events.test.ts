import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { startEventLog } from '#local/event-log.ts';
import { getAdapters } from '#shared/runtime.ts';
import { getConfig } from '#shared/config.ts';
import { noticeExpiringKeys } from '#shared/services/expiry-notices.ts';
import { handler as shapeAuditEvents } from '#functions/shape-audit-events.ts';
import { formatApiKey } from '#shared/domain/api-key.ts';
import { call, createKey, newTenant, withKey } from '../support/api.ts';
import { ageKey } from '../support/time-travel.ts';

const DAY_MS = 24 * 3600 * 1000;
const folder = mkdtempSync(join(tmpdir(), 'keyward-events-'));
const file = join(folder, 'events.ndjson');
let log: { stop: () => Promise<void> };
let admin: string;

interface Line {
  source: string;
  'detail-type': string;
  time: string;
  detail: { id: string; tenant: string; action: string; keyId: string | null; details: Record<string, unknown> };
}

const lines = (): Line[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Line)
    : [];

/** The events of `tenant` once `arrived` holds for them (the log polls the stream), or after 20 s. */
async function eventsOf(tenant: string, arrived: (events: Line[]) => boolean): Promise<Line[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ofTenant = lines().filter((line) => line.detail.tenant === tenant);
    if (arrived(ofTenant) || Date.now() > deadline) return ofTenant;
    await new Promise((done) => setTimeout(done, 200));
  }
}

beforeAll(async () => {
  admin = (await newTenant('events')).apiKey;
  const config = getConfig();
  log = startEventLog({
    endpoint: config.dynamoDbEndpoint!,
    region: config.region,
    tableName: config.tableName,
    file,
    checkpointFile: join(folder, 'checkpoint.json'),
  });
});

afterAll(async () => {
  await log.stop();
});

describe('events', () => {
  it('append every audit event of the table as one JSON line, once, however often a failure is counted', async () => {
    const tenant = await newTenant('events-walk');
    const { key } = await createKey(tenant.apiKey, { name: 'evented' });
    await call('PATCH', `/v1/keys/${key.id}`, { headers: withKey(tenant.apiKey), json: { enabled: false } });
    for (let i = 0; i < 3; i++)
      await call('POST', '/v1/authentication', { json: { apiKey: formatApiKey('kw', { keyId: key.id, secret: 'C'.repeat(32) }) } });
    await call('POST', `/v1/keys/${key.id}/revoke`, { headers: withKey(tenant.apiKey), json: { reason: 'done' } });
    const events = await eventsOf('events-walk', (events) => events.length >= 5);
    expect(events.map((event) => event['detail-type'])).toEqual([
      'tenant.bootstrap',
      'key.create',
      'key.disable',
      'authentication.failure',
      'key.revoke',
    ]);
    for (const event of events) {
      expect(event.source).toBe('keyward');
      expect(event.detail.action).toBe(event['detail-type']);
      expect(event.time).toBe((event.detail as unknown as { at: string }).at);
    }
    expect(events.find((event) => event.detail.action === 'key.revoke')!.detail).toMatchObject({
      keyId: key.id,
      details: { reason: 'done' },
    });
  });

  it('come from the same shaping the pipe uses in AWS, which ignores everything but new audit items', async () => {
    const audit = {
      pk: 'AUDIT#t',
      sk: 'x',
      entity: 'audit',
      id: 'e1',
      tenant: 't',
      at: '2026-11-23T10:00:00.000Z',
      action: 'key.create',
      keyId: 'k',
      actor: 'a',
      sourceIp: null,
      outcome: 'success',
      details: { name: 'n', scopes: ['s'] },
      ttl: 1,
    };
    const shaped = await shapeAuditEvents([
      { eventName: 'INSERT', dynamodb: { NewImage: marshall(audit, { removeUndefinedValues: true }) as never } },
      { eventName: 'MODIFY', dynamodb: { NewImage: marshall(audit) as never } },
      { eventName: 'INSERT', dynamodb: { NewImage: marshall({ ...audit, entity: 'key' }) as never } },
    ]);
    expect(shaped).toEqual([
      {
        id: 'e1',
        tenant: 't',
        at: '2026-11-23T10:00:00.000Z',
        action: 'key.create',
        keyId: 'k',
        actor: 'a',
        // An item written before audit events named the actor's type was a key's.
        actorType: 'key',
        sourceIp: null,
        outcome: 'success',
        details: { name: 'n', scopes: ['s'] },
      },
    ]);
  });
});

describe('expiry notices', () => {
  it('are written a week ahead and again a day ahead, each once, from the expiry index', async () => {
    const { store, config } = getAdapters();
    const options = { retentionDays: config.retentionDays, auditRetentionDays: config.auditRetentionDays };
    const soon = await createKey(admin, { name: 'expires soon', expiresInDays: 3 });
    const later = await createKey(admin, { name: 'expires later', expiresInDays: 30 });
    const never = await createKey(admin, { name: 'never expires' });
    const run = async () => (await noticeExpiringKeys(store, new Date(), options)).noticed;
    const noticesOf = async (keyId: string) =>
      (
        (await call('GET', `/v1/audit?keyId=${keyId}`, { headers: withKey(admin) })).body.items as {
          action: string;
          details: { within: string };
        }[]
      )
        .filter((event) => event.action === 'key.expiring')
        .map((event) => event.details.within);

    expect(await run()).toBeGreaterThanOrEqual(1);
    expect(await noticesOf(soon.key.id)).toEqual(['7 days']);
    expect(await run()).toBe(0);
    // Time passes: the key now expires within a day.
    const inHalfADay = new Date(Date.now() + DAY_MS / 2).toISOString();
    await ageKey(soon.key.id, {
      expiresAt: inHalfADay,
      purgeAt: new Date(Date.parse(inHalfADay) + config.retentionDays * DAY_MS).toISOString(),
    });
    expect(await run()).toBe(1);
    expect(await run()).toBe(0);
    expect(await noticesOf(soon.key.id)).toEqual(['1 day', '7 days']);
    expect(await noticesOf(later.key.id)).toEqual([]);
    expect(await noticesOf(never.key.id)).toEqual([]);
    const expiring = (events: Line[]) =>
      events.filter((event) => event['detail-type'] === 'key.expiring').map((event) => event.detail.keyId);
    const events = await eventsOf('events', (events) => expiring(events).filter((id) => id === soon.key.id).length === 2);
    expect(expiring(events).filter((id) => id === soon.key.id)).toHaveLength(2);
  });
});
