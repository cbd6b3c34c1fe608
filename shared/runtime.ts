import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { getConfig, type Config } from './config.ts';
import type { Cipher, KeyStore } from './ports.ts';
import { DynamoDbKeyStore } from './adapters/dynamodb-key-store.ts';
import { KmsCipher } from './adapters/kms-cipher.ts';
import { LocalKeyringCipher, loadKeyringKey } from './adapters/local-keyring-cipher.ts';
import { loadSecretHasher } from './services/secret-hasher.ts';
import { TokenService } from './services/token-service.ts';
import { Authenticator } from './services/authenticator.ts';
import { CursorSealer } from './services/cursor.ts';
import { KeyService } from './services/key-service.ts';

export interface Adapters {
  config: Config;
  dynamoDb: DynamoDBClient;
  store: KeyStore;
  cipher: Cipher;
}

/** The AWS clients and adapters the configuration asks for: KMS or the local keyring. */
export function createAdapters(config: Config): Adapters {
  const dynamoDb = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  const documents = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  const store = new DynamoDbKeyStore(documents, config.tableName, { auditRetentionDays: config.auditRetentionDays });
  const cipher =
    config.cipher === 'kms'
      ? new KmsCipher(new KMSClient({ region: config.region }), config.kmsKeyId ?? '')
      : new LocalKeyringCipher(loadKeyringKey(config.keyringFile));
  return { config, dynamoDb, store, cipher };
}

export interface Services extends Adapters {
  tokens: TokenService;
  authenticator: Authenticator;
  keys: KeyService;
}

/** Wires the core: opens the pepper once (with the signing key, the only cipher calls of a warm function). */
export async function createServices(adapters: Adapters): Promise<Services> {
  const { config, store, cipher } = adapters;
  const hasher = await loadSecretHasher(store, cipher);
  const tokens = getTokenService();
  const authenticator = new Authenticator(store, hasher, tokens, {
    keyPrefix: config.keyPrefix,
    lastUsedIntervalSeconds: config.lastUsedIntervalSeconds,
    auditRetentionDays: config.auditRetentionDays,
  });
  const keys = new KeyService({
    store,
    cipher,
    hasher,
    authenticator,
    cursors: new CursorSealer(hasher.deriveKey('list-cursor')),
    settings: { keyPrefix: config.keyPrefix, retentionDays: config.retentionDays, auditRetentionDays: config.auditRetentionDays },
  });
  return { ...adapters, tokens, authenticator, keys };
}

let adapters: Adapters | undefined;
let tokenService: TokenService | undefined;
let services: Promise<Services> | undefined;

/** This process's adapters, created once at cold start. */
export function getAdapters(): Adapters {
  adapters ??= createAdapters(getConfig());
  return adapters;
}

/** This process's token service: reading public keys needs the store only, signing opens the private key on first use. */
export function getTokenService(): TokenService {
  const { store, cipher, config } = getAdapters();
  tokenService ??= new TokenService(store, cipher, { issuer: config.issuer, audience: config.audience, refreshSeconds: config.signingKeyRefreshSeconds });
  return tokenService;
}

/** This process's services; a failed start (say, before bootstrap) is retried on the next call. */
export function getServices(): Promise<Services> {
  services ??= createServices(getAdapters()).catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}
