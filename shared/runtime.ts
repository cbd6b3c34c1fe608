import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { getConfig, type Config } from './config.ts';
import { KeywardError } from './errors.ts';
import type { Cipher, GithubAlertQueue, GithubSecrets, Store, UseRecorder, WebhookDeliveries } from './ports.ts';
import { createDynamoDbStore } from './adapters/dynamodb/store.ts';
import { KmsCipher } from './adapters/kms-cipher.ts';
import { LocalKeyringCipher, loadKeyringKey } from './adapters/local-keyring-cipher.ts';
import { awsClientSettings, boundCalls } from './adapters/aws-clients.ts';
import { fileUseRecorder, stdoutUseRecorder } from './adapters/use-lines.ts';
import { loadSecretHasher } from './services/secret-hasher.ts';
import { TokenService } from './services/token-service.ts';
import { Authenticator } from './services/authenticator.ts';
import { CursorSealer } from './services/cursor.ts';
import { KeyService } from './services/key-service.ts';
import { IdempotentRequests } from './services/idempotency.ts';
import { TenantPolicies } from './services/tenant-policy.ts';
import { TenantService } from './services/tenant-service.ts';
import { UsageAnalytics } from './services/usage-analytics.ts';
import { IdentityTrust } from './services/identity-trust.ts';
import { PersonSignIn } from './services/person-sign-in.ts';
import { LeakResponse } from './services/leak-response.ts';
import { PeopleService } from './services/people-service.ts';
import { GithubWebhook } from './services/github-webhook.ts';
import { GithubAlerts } from './services/github-alerts.ts';
import { LocalGithubSecrets } from './adapters/local-github-secrets.ts';
import { InProcessAlertQueue } from './adapters/local-alert-queue.ts';
import { sqsAlertQueue } from './adapters/sqs-alert-queue.ts';
import { secretsManagerGithubSecrets } from './adapters/secrets-manager-github-secrets.ts';
import { DynamoDbWebhookDeliveries } from './adapters/dynamodb/webhook-deliveries.ts';

/** What the core runs on: the store, the cipher, where uses are recorded, the client under the store (for table setup and tests), and the webhook deliveries. */
export interface Adapters {
  config: Config;
  dynamoDb: DynamoDBClient;
  store: Store;
  cipher: Cipher;
  uses: UseRecorder;
  /** GitHub webhook deliveries already received. */
  deliveries: WebhookDeliveries;
}

/** The AWS clients and adapters the configuration asks for: KMS or the local keyring. */
export function createAdapters(config: Config): Adapters {
  // Bounded calls (timeouts, retries, a budget per call): see aws-clients.ts.
  const dynamoDb = boundCalls(
    new DynamoDBClient({
      region: config.region,
      ...awsClientSettings,
      ...(config.dynamoDbEndpoint
        ? { endpoint: config.dynamoDbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
    }),
    'dynamodb',
  );
  const documents = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  const store = createDynamoDbStore(documents, config.tableName);
  const cipher =
    config.cipher === 'kms'
      ? new KmsCipher(boundCalls(new KMSClient({ region: config.region, ...awsClientSettings }), 'kms'), config.kmsKeyId ?? '')
      : new LocalKeyringCipher(loadKeyringKey(config.keyringFile));
  const uses = config.usesFile ? fileUseRecorder(config.usesFile) : stdoutUseRecorder;
  const deliveries = new DynamoDbWebhookDeliveries({ db: documents, name: config.tableName });
  return { config, dynamoDb, store, cipher, uses, deliveries };
}

/** What handlers call: the core's services, never the adapters under them. */
export interface Services {
  tokens: TokenService;
  authenticator: Authenticator;
  keys: KeyService;
  tenants: TenantService;
  analytics: UsageAnalytics;
  idempotency: IdempotentRequests;
  identity: IdentityTrust;
  signIn: PersonSignIn;
  people: PeopleService;
  leaks: LeakResponse;
}

/** Wires the core: opens the pepper once (with the signing key, the only cipher calls of a warm function). */
export async function createServices(
  adapters: Adapters,
  tokens: TokenService = createTokenService(adapters),
  identity: IdentityTrust = getIdentityTrust(adapters.config),
): Promise<Services> {
  const { config, store, cipher, uses } = adapters;
  const hasher = await loadSecretHasher(store.settings, cipher);
  const policies = new TenantPolicies(store.tenants);
  // With analytics off, no use is even recorded.
  const authenticator = new Authenticator(
    { keys: store.keys, audit: store.audit, people: store.people, changes: store.changes, uses: config.usageAnalytics ? uses : undefined },
    policies,
    hasher,
    tokens,
    {
      keyPrefix: config.keyPrefix,
      lastUsedIntervalSeconds: config.lastUsedIntervalSeconds,
      auditRetentionDays: config.auditRetentionDays,
    },
  );
  const keys = new KeyService({
    store,
    policies,
    cipher,
    hasher,
    authenticator,
    cursors: new CursorSealer(hasher.deriveKey('list-cursor')),
    settings: { keyPrefix: config.keyPrefix, retentionDays: config.retentionDays, auditRetentionDays: config.auditRetentionDays },
  });
  const tenants = new TenantService({ store, policies, auditRetentionDays: config.auditRetentionDays });
  const analytics = new UsageAnalytics({ usage: store.usage, keys: store.keys });
  const { auditRetentionDays } = config;
  const signIn = new PersonSignIn({
    store,
    identity,
    tokens,
    policies,
    auditRetentionDays,
    lastSeenIntervalSeconds: config.lastUsedIntervalSeconds,
  });
  const people = new PeopleService({ store, cursors: new CursorSealer(hasher.deriveKey('people-cursor')), auditRetentionDays });
  const idempotency = new IdempotentRequests(store.idempotency, cipher);
  const leaks = new LeakResponse({
    store,
    hasher,
    policies,
    settings: { keyPrefix: config.keyPrefix, retentionDays: config.retentionDays, auditRetentionDays },
  });
  return { tokens, authenticator, keys, tenants, analytics, idempotency, identity, signIn, people, leaks };
}

const createTokenService = ({ store, cipher, config }: Adapters) =>
  new TokenService(store.settings, cipher, {
    issuer: config.issuer,
    audience: config.audience,
    refreshSeconds: config.signingKeyRefreshSeconds,
  });

let adapters: Adapters | undefined;
let identityTrust: IdentityTrust | undefined;

/** This process's trust in the configured identity providers: their keys are cached for the life of the function. */
export function getIdentityTrust(config: Config = getConfig()): IdentityTrust {
  identityTrust ??= new IdentityTrust(config.identityProviders);
  return identityTrust;
}

let tokenService: TokenService | undefined;
let services: Promise<Services> | undefined;

/** This process's adapters, created once at cold start. */
export function getAdapters(): Adapters {
  adapters ??= createAdapters(getConfig());
  return adapters;
}

/** This process's token service: reading public keys needs the store only, signing opens the private key on first use. */
export function getTokenService(): TokenService {
  tokenService ??= createTokenService(getAdapters());
  return tokenService;
}

/** This process's services; a failed start (say, before bootstrap) is retried on the next call. */
export function getServices(): Promise<Services> {
  services ??= createServices(getAdapters(), getTokenService()).catch((error: unknown) => {
    services = undefined;
    throw error;
  });
  return services;
}

let githubSecrets: GithubSecrets | undefined;
let githubWebhook: GithubWebhook | undefined;
let githubAlerts: Promise<GithubAlerts> | undefined;

// A Lambda cannot keep local files nor run a job after it has answered: without the AWS
// settings, a deployed function says so rather than losing alerts.
const notSetUp = () =>
  new KeywardError(
    'service.unavailable',
    'GitHub secret scanning is not set up on this deployment yet: report leaks with POST /v1/keys/report-leak.',
  );
const inLambda = () => Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

/** The GitHub integration's secrets, read once per process: from Secrets Manager when their ARNs are set, else from local files. */
function getGithubSecrets(config: Config = getConfig()): GithubSecrets {
  if (githubSecrets) return githubSecrets;
  const { webhookSecretArn, appSecretArn } = config.github;
  if (webhookSecretArn || appSecretArn) {
    githubSecrets = secretsManagerGithubSecrets({ webhookSecret: webhookSecretArn, app: appSecretArn }, config.region);
  } else {
    if (inLambda()) throw notSetUp();
    githubSecrets = new LocalGithubSecrets({ webhookSecret: config.github.webhookSecretFile, app: config.github.appFile });
  }
  return githubSecrets;
}

/** Where the webhook hands alerts to the worker: the SQS queue when its URL is set, else this process. */
function githubAlertQueue(config: Config): GithubAlertQueue {
  const { queueUrl, attempts, retryMs, deadLetterFile } = config.github;
  if (queueUrl) return sqsAlertQueue(queueUrl, config.region);
  if (inLambda()) throw notSetUp();
  // In process: the alert runs here once the webhook has answered.
  return new InProcessAlertQueue(async (job) => (await getGithubAlerts()).handle(job, new Date()), {
    attempts,
    retryMs,
    deadLetterFile,
  });
}

/** This process's receiver of GitHub's webhook: it opens no secret of the store, only the webhook's own. */
export function getGithubWebhook(): GithubWebhook {
  if (githubWebhook) return githubWebhook;
  const { config, deliveries } = getAdapters();
  githubWebhook = new GithubWebhook({
    secrets: getGithubSecrets(config),
    deliveries,
    queue: githubAlertQueue(config),
    secretTypes: config.github.secretTypes,
  });
  return githubWebhook;
}

/** This process's secret-scanning worker; a failed start is retried on the next alert. */
export function getGithubAlerts(): Promise<GithubAlerts> {
  githubAlerts ??= getServices().then(
    ({ leaks }) => {
      const { config, store } = getAdapters();
      return new GithubAlerts({
        secrets: getGithubSecrets(config),
        leaks,
        keys: store.keys,
        settings: { apiUrl: config.github.apiUrl, keyPrefix: config.keyPrefix },
      });
    },
    (error: unknown) => {
      githubAlerts = undefined;
      throw error;
    },
  );
  return githubAlerts;
}
