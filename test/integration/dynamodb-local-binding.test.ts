import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal, type RunningDynamoDb } from '#local/dynamodb-local.ts';

// Local addresses as the kernel writes them in /proc/net/tcp and /proc/net/tcp6. Java listens on an
// IPv6 socket where it can, so 127.0.0.1 may show in tcp6 as ::ffff:127.0.0.1.
const LOOPBACK = new Set(['0100007F', '0000000000000000FFFF00000100007F']);
const ANY = new Set(['00000000', '00000000000000000000000000000000']);
const LISTEN = '0A';
const SOMAXCONN = '/proc/sys/net/core/somaxconn';

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

/**
 * Opens `count` TCP connections at once and resolves with how many the kernel established,
 * once all have or `waitMs` has passed. A connection the listen queue had no room for is
 * dropped and retried by the kernel only after a second, then after three more.
 */
async function connectBurst(port: number, count: number, waitMs: number): Promise<number> {
  const sockets: Socket[] = [];
  let connected = 0;
  try {
    await new Promise<void>((done) => {
      const timer = setTimeout(done, waitMs);
      for (let i = 0; i < count; i++) {
        const socket = connect({ host: '127.0.0.1', port });
        socket.on('error', () => undefined);
        socket.once('connect', () => {
          connected += 1;
          if (connected === count) {
            clearTimeout(timer);
            done();
          }
        });
        sockets.push(socket);
      }
    });
    return connected;
  } finally {
    for (const socket of sockets) socket.destroy();
  }
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

  it('queues a burst of new connections while it accepts none, rather than dropping them', async () => {
    // While the JVM is busy (here: stopped), only the kernel's listen queue holds new
    // connections; Java's default queue of 50 dropped the rest, and their calls failed on the
    // store's one-second connect timeout while the test suite and the local server were busy.
    // The kernel caps every listen queue at net.core.somaxconn (4096 by default since Linux 5.4).
    const somaxconn = existsSync(SOMAXCONN) ? Number(readFileSync(SOMAXCONN, 'utf8')) : 4096;
    const burst = Math.min(300, somaxconn);
    process.kill(dynamoDb.pid, 'SIGSTOP');
    try {
      expect(await connectBurst(dynamoDb.port, burst, 2_000)).toBe(burst);
    } finally {
      process.kill(dynamoDb.pid, 'SIGCONT');
    }
  });

  it.skipIf(!externalIpv4)('refuses connections to the machine’s network address', async () => {
    expect(await tryConnect(externalIpv4!, dynamoDb.port)).toBe('ECONNREFUSED');
  });
});
