import type { KeyType } from './domain/permissions.ts';
import type { Role } from './domain/identity.ts';
import type { StoredStatus } from './domain/key-status.ts';
import type { UsageState, UsePlan } from './domain/usage-controls.ts';
import type { UsageCounts, UseOutcome } from './domain/usage-analytics.ts';

/** A key's own data for its owner's systems: flat JSON values only. */
export type KeyMeta = Record<string, string | number | boolean | null>;

/** A key as stored: never the secret itself, only its keyed hash (and, when recoverable, a sealed copy). */
export interface KeyRecord extends UsageState {
  keyId: string;
  tenant: string;
  name: string;
  description: string;
  type: KeyType;
  scopes: string[];
  status: StoredStatus;
  secretHash: string;
  /**
   * Counts regenerates (absent means 1). Tokens carry the version of the secret they were
   * minted from, so a regenerate ends every earlier token's power over Keyward at once.
   */
  secretVersion?: number | undefined;
  /** The secret replaced by a regenerate with a grace period, valid until `previousSecretValidUntil`. */
  previousSecretHash?: string | undefined;
  previousSecretValidUntil?: string | undefined;
  recoverable: boolean;
  /** The full key sealed by the cipher, for `recoverable` keys only. */
  sealedApiKey?: string | undefined;
  previewTail: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  lastUsedAt?: string | undefined;
  expiresAt?: string | undefined;
  revokedAt?: string | undefined;
  revokeReason?: string | undefined;
  /** When the purge job may delete the key: retention after expiry or revocation. */
  purgeAt?: string | undefined;
  /** The user or customer of the tenant's own systems the key belongs to. */
  ownerId?: string | undefined;
  meta?: KeyMeta | undefined;
  /** Canonical CIDR blocks the key may be used from. */
  allowedIps?: string[] | undefined;
  /** When each expiry notice was written, so each is written once. */
  expiryNotice7d?: string | undefined;
  expiryNotice1d?: string | undefined;
  /** When a report of the key leaking was first handled. */
  leakedAt?: string | undefined;
  version: number;
}

/** The expiry notices a key gets: a week ahead, and a day ahead. */
export type ExpiryNotice = '7d' | '1d';

/** What a tenant's admins set for every key of the tenant. */
/** enabled; break-glass: usable, each use audited and its tokens short; disabled: refused until IAM turns it back on. */
export const systemKeyModes = ['enabled', 'break-glass', 'disabled'] as const;
export type SystemKeyMode = (typeof systemKeyModes)[number];

/** What a report of a valid key leaking does to it: revoke it, disable it, or only tell (every case audits `key.leaked`). */
export const leakResponses = ['revoke', 'disable', 'notify'] as const;
export type LeakResponse = (typeof leakResponses)[number];

export interface TenantPolicy {
  maxLifetimeDays: number | null;
  requireExpiry: boolean;
  maxGracePeriodSeconds: number;
  allowedIps: string[] | null;
  systemKey: SystemKeyMode;
  /** How long a person's token lasts. */
  personTokenSeconds: number;
  onLeak: LeakResponse;
}

export interface TenantRecord {
  tenant: string;
  systemKeyId: string;
  createdAt: string;
  policy?: TenantPolicy | undefined;
}

export const auditActions = [
  'tenant.bootstrap',
  'key.create',
  'key.update',
  'key.enable',
  'key.disable',
  'key.regenerate',
  'key.revoke',
  'key.delete',
  'key.reveal',
  'key.purge',
  'key.expiring',
  'authentication.failure',
  'tenant.policy_update',
  'tenant.revoke_all',
  'tenant.break_glass',
  'person.sign_in',
  'person.sign_out',
  'key.leaked',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** Who acted: a key, a signed-in person, or nobody yet (a refused authentication). */
export const actorTypes = ['key', 'person', 'unauthenticated'] as const;
export type ActorType = (typeof actorTypes)[number];

/**
 * Who an audit event names as having acted. Keyward's own work (bootstrap, the purge, an
 * operator's IAM change) presents no credential, so it is `unauthenticated` under its own name.
 */
export interface Actor {
  id: string;
  type: ActorType;
  email?: string | undefined;
  name?: string | undefined;
}

export interface AuditEvent {
  id: string;
  tenant: string;
  at: string;
  action: AuditAction;
  keyId: string | null;
  /** The key id, the person's id, or `anonymous`. */
  actor: string;
  actorType: ActorType;
  actorEmail?: string | undefined;
  actorName?: string | undefined;
  /** The owner of the key the event is about, so an owner sees the events of their own keys. */
  ownerId?: string | undefined;
  sourceIp: string | null;
  outcome: 'success' | 'failure';
  details: Record<string, string | number | boolean | string[] | null>;
  /** Epoch seconds after which the store may forget the event. */
  expiresAtEpoch: number;
}

export interface IdempotencyRecord {
  id: string;
  requestHash: string;
  state: 'in_progress' | 'completed';
  /** The sealed response of a completed request. */
  sealedResponse?: string | undefined;
  /** When a claim still in progress is presumed dead (its function timed out or crashed). */
  inProgressUntil: string;
  /** When the record is forgotten and the key may be used for a new request. */
  expiresAt: string;
}

/** One change in an all-or-nothing write. */
export type WriteOp =
  | { kind: 'createKey'; key: KeyRecord }
  | { kind: 'updateKey'; keyId: string; tenant: string; expectedVersion: number; changes: KeyChanges }
  | { kind: 'deleteKey'; keyId: string; tenant: string; expectedVersion?: number }
  /** Deletes a key only if its purge time has come by `dueBy`. */
  | { kind: 'purgeKey'; keyId: string; tenant: string; dueBy: string }
  | { kind: 'createTenant'; tenant: TenantRecord }
  | { kind: 'setTenantPolicy'; tenant: string; policy: TenantPolicy }
  /** Ends every token a person holds that was issued before `at`; fails if the person never signed in to the tenant. */
  | { kind: 'signOutPerson'; tenant: string; personId: string; at: string }
  /** Marks an expiry notice as sent, once: fails if it was, or if the key's expiry or status changed. */
  | { kind: 'noticeExpiry'; keyId: string; tenant: string; expiresAt: string; notices: ExpiryNotice[] }
  | { kind: 'audit'; event: AuditEvent }
  /** Stores the sealed answer of an idempotent request in the same transaction as its change. */
  | { kind: 'completeIdempotency'; id: string; sealedResponse: string };

/** Fields to set; `null` removes an optional field. */
export type KeyChanges = { [K in keyof Omit<KeyRecord, 'keyId' | 'tenant' | 'version'>]?: KeyRecord[K] | null };

/** A conditional write lost: the item changed, vanished, or already existed. `kind` names the write that failed. */
export class WriteConflict extends Error {
  readonly kind: WriteOp['kind'] | 'setting';
  constructor(kind: WriteOp['kind'] | 'setting') {
    super(`The ${kind} write did not meet its condition`);
    this.name = 'WriteConflict';
    this.kind = kind;
  }
}

export type PageKey = Record<string, unknown>;
export interface Page<T> {
  items: T[];
  nextKey: PageKey | undefined;
}

export interface KeyFilter {
  type?: KeyType | undefined;
  status?: 'active' | 'disabled' | 'revoked' | 'expired' | undefined;
  nameContains?: string | undefined;
  ownerId?: string | undefined;
}

/** Keys, read one at a time by id or page by page from the tenant and purge indexes. */
export interface KeyRepository {
  get(keyId: string): Promise<KeyRecord | undefined>;
  /** Keys of a tenant by creation time, newest first (`desc`) or oldest first (`asc`). */
  list(
    tenant: string,
    options: { limit: number; startKey?: PageKey | undefined; filter: KeyFilter; order: 'desc' | 'asc'; now: Date },
  ): Promise<Page<KeyRecord>>;
  /** Keys whose `purgeAt` lies between `from` and `to`, oldest first, read from the purge index only. */
  listByPurgeTime(
    from: Date,
    to: Date,
    options: { limit: number; startKey?: PageKey | undefined },
  ): Promise<Page<{ keyId: string; tenant: string; purgeAt: string }>>;
  /** Keys whose `purgeAt` has passed, oldest first, read from the purge index only. */
  listPurgeDue(
    now: Date,
    options: { limit: number; startKey?: PageKey | undefined },
  ): Promise<Page<{ keyId: string; tenant: string; purgeAt: string }>>;
  /** Records a use, unless one was recorded since `unlessSince`; never bumps the version. */
  touchLastUsed(keyId: string, at: string, unlessSince: string): Promise<void>;
  /**
   * Counts one use against the key's rate limit and credits, in one conditional write that
   * fails if another use got there first; then it answers the key as it now stands, to judge again.
   * Never bumps the version.
   */
  countUse(keyId: string, plan: UsePlan): Promise<{ ok: true; counted: UsageState } | { ok: false; current: KeyRecord | undefined }>;
}

export interface TenantDirectory {
  get(tenant: string): Promise<TenantRecord | undefined>;
}

/** A tenant's audit events, newest first; failed authentications are counted into one event per window. */
export interface AuditLog {
  list(tenant: string, options: { keyId?: string | undefined; limit: number; startKey?: PageKey | undefined }): Promise<Page<AuditEvent>>;
  /**
   * Counts a failed authentication of an existing key into the one audit event of its key,
   * actor, source IP and reason for the minute starting at `windowStart`, so a flood of
   * guesses costs one event, not one per guess.
   */
  countAuthenticationFailure(event: AuditEvent, windowStart: string): Promise<void>;
  /**
   * Counts an attempt with a key id that names no key, per source IP and window, kept out of
   * every tenant's log. It costs what `countAuthenticationFailure` costs, so timing cannot
   * tell whether a key id exists.
   */
  countUnknownKeyAttempt(attempt: AuditEvent, windowStart: string): Promise<void>;
}

/** Counts of uses of a key in one hour. */
export interface UsageBucket {
  keyId: string;
  hour: string;
  counts: UsageCounts;
}

/** One use of a key whose secret was right: how it ended, and when. */
export interface Use {
  tenant: string;
  keyId: string;
  outcome: UseOutcome;
  at: Date;
}

/**
 * Where a request writes down its uses: one line on the function's own output, no call to
 * any store, so counting adds nothing to the request's time. The lines are counted later,
 * in batches (`UsageLog.add`).
 */
export interface UseRecorder {
  record(use: Use): void;
}

/** Uses of keys whose secret was right, counted per key, hour and outcome. */
export interface UsageLog {
  /**
   * Adds a batch of recorded uses to the hours' counters exactly once: a batch whose id was
   * added before (a retried delivery) changes nothing.
   */
  add(batchId: string, uses: Use[]): Promise<void>;
  /** The hours of one key from `from` to `to` that saw any use. */
  ofKey(keyId: string, from: Date, to: Date): Promise<UsageBucket[]>;
  /** The hours of every key of a tenant from `from` to `to` that saw any use. */
  ofTenant(tenant: string, from: Date, to: Date): Promise<UsageBucket[]>;
}

/** Deployment-wide settings (the sealed pepper, the signing keys), each versioned. */
export interface SettingsStore {
  get<T>(name: string): Promise<{ value: T; version: number } | undefined>;
  /** Stores a setting if its version is still `expectedVersion` (0: must not exist yet); throws `WriteConflict` otherwise. */
  put<T>(name: string, value: T, expectedVersion: number): Promise<void>;
}

/** Requests made safe to repeat: a claim per idempotency key, then the sealed answer. */
export interface IdempotencyStore {
  /**
   * Claims `record.id` unless a live claim exists; answers the existing record then. A claim
   * still in progress past `record.inProgressUntil` (its function died) may be taken over.
   */
  claim(record: IdempotencyRecord, now: Date): Promise<IdempotencyRecord | undefined>;
  complete(id: string, sealedResponse: string): Promise<void>;
  /** Gives up a claim still in progress (the request failed); a completed one is kept. */
  release(id: string): Promise<void>;
}

/** Changes to keys, tenants and audit events that must happen together or not at all. */
export interface ChangeWriter {
  /** Applies every op or none; throws `WriteConflict` naming the kind of write whose condition failed. */
  write(ops: WriteOp[]): Promise<void>;
}

/** Where everything lives: one DynamoDB table in every deployment, seen through one port per concern. */
/** Someone who signed in to a tenant through a trusted identity provider: `id` is `<provider id>:<sub>`. */
export interface PersonRecord {
  tenant: string;
  id: string;
  issuer: string;
  email: string | null;
  name: string | null;
  role: Role;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Tokens issued to the person before this are refused. */
  signedOutAt: string | null;
}

/** The people of each tenant, newest seen first. */
export interface PeopleDirectory {
  get(tenant: string, personId: string): Promise<PersonRecord | undefined>;
  /** Creates the person on their first sign-in, or refreshes what the identity provider says of them. */
  recordSignIn(person: Omit<PersonRecord, 'firstSeenAt' | 'lastSeenAt' | 'signedOutAt'>, at: string): Promise<PersonRecord>;
  list(tenant: string, options: { limit: number; startKey?: PageKey | undefined }): Promise<Page<PersonRecord>>;
}

export interface Store {
  keys: KeyRepository;
  tenants: TenantDirectory;
  people: PeopleDirectory;
  audit: AuditLog;
  settings: SettingsStore;
  idempotency: IdempotencyStore;
  changes: ChangeWriter;
  usage: UsageLog;
}

/** Context bound into every sealed blob, so a blob copied to another key, tenant or purpose fails to open. */
export interface SealContext {
  tenant: string;
  keyId: string;
  purpose: 'pepper' | 'signing-key' | 'recoverable-key' | 'idempotent-response';
}

/** Envelope encryption: KMS in AWS, a local keyring file for `npm start` and tests. */
export interface Cipher {
  seal(plaintext: Uint8Array, context: SealContext): Promise<string>;
  open(sealed: string, context: SealContext): Promise<Uint8Array>;
}

/** A GitHub secret-scanning alert to act on: where it is, and the App installation that may read it. */
export interface GithubAlertJob {
  deliveryId: string;
  installationId: number;
  /** `owner/repo`. */
  repository: string;
  alertNumber: number;
}

/** Hands alerts from the webhook, which must answer GitHub within 10 s, to the worker that reads and resolves them. */
export interface GithubAlertQueue {
  send(job: GithubAlertJob): Promise<void>;
}

/** The webhook deliveries already received, so a replayed delivery does nothing. */
export interface WebhookDeliveries {
  /** Records the delivery id; false when it was recorded before. */
  claim(deliveryId: string, now: Date): Promise<boolean>;
  /** Forgets a delivery that could not be queued, so GitHub's redelivery is not taken for a replay. */
  release(deliveryId: string): Promise<void>;
}

/** The GitHub App that reads and resolves alerts: its App id and private key (PEM). */
export interface GithubApp {
  appId: string;
  privateKey: string;
}

/** The secrets of the GitHub integration, read once per process. */
export interface GithubSecrets {
  webhookSecret(): Promise<string>;
  app(): Promise<GithubApp>;
}
