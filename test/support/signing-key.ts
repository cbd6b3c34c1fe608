import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getAdapters } from '#shared/runtime.ts';
import { ensureTable } from '#shared/adapters/dynamodb/table.ts';
import { createDynamoDbStore } from '#shared/adapters/dynamodb/store.ts';
import type { KeyRecord } from '#shared/ports.ts';

/** The deployment's current signing key, opened as the token service would: lets tests sign tokens the service trusts. */
export async function serviceSigningKey(): Promise<{ kid: string; privateKey: KeyObject }> {
  const { store, cipher } = getAdapters();
  const setting = await store.settings.get<{ keys: { kid: string; sealedPrivateKey: string }[] }>('signing-keys');
  const current = setting?.value.keys[0];
  if (!current) throw new Error('no signing key: bootstrap a tenant first');
  const pem = Buffer.from(
    await cipher.open(current.sealedPrivateKey, { tenant: '*', keyId: current.kid, purpose: 'signing-key' }),
  ).toString('utf8');
  return { kid: current.kid, privateKey: createPrivateKey(pem) };
}

/** A store over a table of its own: a deployment with no signing key yet, for a token service of the test's own. */
export async function freshDeployment() {
  const { dynamoDb } = getAdapters();
  const tableName = `keyward-signing-${randomUUID().slice(0, 8)}`;
  await ensureTable(dynamoDb, tableName);
  return createDynamoDbStore(DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }), tableName);
}

/** The settings a test's own token service is built with. */
export const tokenSettings = { issuer: 'https://keyward.test', audience: 'keyward', refreshSeconds: 300 };

/** An active viewer key of `tenant`, as the token service sees the key it issues a token to. */
export const tokenHolder = (keyId: string, tenant: string): KeyRecord =>
  ({
    keyId,
    tenant,
    name: 'k',
    description: '',
    type: 'viewer',
    scopes: [],
    recoverable: false,
    createdBy: 'test',
    status: 'active',
    secretHash: 'x',
    previewTail: 'abcd',
    createdAt: '2026-11-23T00:00:00.000Z',
    updatedAt: '2026-11-23T00:00:00.000Z',
    version: 1,
  }) as KeyRecord;
