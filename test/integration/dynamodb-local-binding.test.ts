import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal, type RunningDynamoDb } from '#local/dynamodb-local.ts';

// Local addresses as the kernel writes them in /proc/net/tcp and /proc/net/tcp6. Java listens on an
// IPv6 socket where it can, so 127.0.0.1 may show in tcp6 as ::ffff:127.0.0.1.
const LOOPBACK = new Set(['0100007F', '0000000000000000FFFF00000100007F']);
const ANY = new Set(['00000000', '00000000000000000000000000000000']);
const LISTEN = '0A';

/** The local addresses of every socket listening on `port`, from the kernel's socket tables. */
function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, portHex] = (local ?? '').split(':');
      if (state === LISTEN && address && portHex && parseInt(portHex, 16) === port) addresses.push(address.toUpperCase());
    }
  }
  return addresses;
}

/** Resolves with the error code of a TCP connect, or 'connected' when it succeeds. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      done('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      done('ETIMEDOUT');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

const externalIpv4 = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;

let dynamoDb: RunningDynamoDb;

beforeAll(async () => {
  dynamoDb = await startDynamoDbLocal();
});

afterAll(async () => {
  await dynamoDb?.stop();
});

describe('DynamoDB Local started by startDynamoDbLocal', () => {
  it('answers requests on 127.0.0.1', async () => {
    const client = new DynamoDBClient({
      endpoint: dynamoDb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await expect(client.send(new ListTablesCommand({}))).resolves.toHaveProperty('TableNames');
    } finally {
      client.destroy();
    }
  });

  it.skipIf(!existsSync('/proc/net/tcp'))('listens on the loopback address only, not on every interface', () => {
    const addresses = listeningAddresses(dynamoDb.port);
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => ANY.has(address))).toEqual([]);
    expect(addresses.every((address) => LOOPBACK.has(address))).toBe(true);
  });

  it.skipIf(!externalIpv4)('refuses connections to the machine’s network address', async () => {
    expect(await tryConnect(externalIpv4!, dynamoDb.port)).toBe('ECONNREFUSED');
  });
});
