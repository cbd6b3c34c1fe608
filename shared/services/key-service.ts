import { KeywardError, keyNotFound } from '../errors.ts';
import type { AuditAction, AuditEvent, Cipher, KeyChanges, KeyFilter, KeyMeta, KeyRecord, PageKey, Store, WriteOp } from '../ports.ts';
import { canonicalCidr, rateLimitHeaders, refillPeriod, type Credits, type RateLimit } from '../domain/usage-controls.ts';
import { checkGracePeriod, checkNewKeyExpiry, type TenantPolicies } from './tenant-policy.ts';
import { WriteConflict } from '../ports.ts';
import { keyIdFromSearch, keyIdPattern } from '../domain/api-key.ts';
import { issueSecret, newKey } from './key-issuing.ts';
import { effectiveStatus, type KeyStatus } from '../domain/key-status.ts';
import { grantedScopes, requireCanManage, type KeyType } from '../domain/permissions.ts';
import { currentSecretVersion } from '../domain/secret-version.ts';
import type { SecretHasher } from './secret-hasher.ts';
import type { Authenticator, Caller } from './authenticator.ts';
import type { CursorSealer } from './cursor.ts';
import { auditEvent, type AuditInput } from './audit.ts';
import { keyView, type KeyView } from './key-view.ts';

export interface KeyServiceSettings {
  keyPrefix: string;
  retentionDays: number;
  auditRetentionDays: number;
}

export interface CreateKeyInput {
  name: string;
  type: 'privileged' | 'viewer' | 'client';
  scopes?: string[] | undefined;
  description?: string | undefined;
  expiresInDays?: number | undefined;
  expiresAt?: string | undefined;
  recoverable?: boolean | undefined;
  ownerId?: string | undefined;
  meta?: KeyMeta | undefined;
  rateLimit?: RateLimit | undefined;
  credits?: Credits | undefined;
  allowedIps?: string[] | undefined;
}

export interface UpdateKeyInput {
  name?: string | undefined;
  description?: string | undefined;
  enabled?: boolean | undefined;
  scopes?: string[] | undefined;
  ownerId?: string | null | undefined;
  meta?: KeyMeta | null | undefined;
  rateLimit?: RateLimit | null | undefined;
  credits?: Credits | null | undefined;
  allowedIps?: string[] | null | undefined;
}

/** Keys of a tenant a revoke-all ends: by type and/or owner. */
export interface RevokeAllInput {
  reason: string;
  type?: 'privileged' | 'viewer' | 'client' | undefined;
  ownerId?: string | undefined;
}

export interface ListKeysQuery {
  search?: string | undefined;
  type?: KeyType | undefined;
  status?: KeyStatus | undefined;
  ownerId?: string | undefined;
  order: 'desc' | 'asc';
  limit: number;
  cursor?: string | undefined;
}

export interface IssuedKey {
  key: KeyView;
  apiKey: string;
  keySecret: string;
}

const DAY_MS = 24 * 3600 * 1000;
/** Revoke-all reads the tenant index in pages of this many keys... */
const REVOKE_ALL_PAGE = 1000;
/** ...and writes 50 keys per transaction (100 items, the most one transaction takes)... */
const REVOKE_ALL_BATCH = 50;
/** ...a few transactions at a time. */
const REVOKE_ALL_PARALLEL_BATCHES = 8;

const chunk = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
/** The longest lifetime a key may be given, as expiresInDays allows. */
const MAX_LIFETIME_DAYS = 3650;

const conflict = () =>
  new KeywardError(
    'key.conflict',
    'The key was changed by another request at the same moment: fetch it again and retry if your change still applies.',
  );

/** Limits bind the holder of a key: it cannot lift its own. */
const ownLimits = (fields: string[]) =>
  new KeywardError(
    'auth.forbidden',
    `A key cannot change its own ${fields.join(', ')}: limits bind the holder of the key. Ask an admin, or use another key or a person's sign-in.`,
  );

/** A creator's keys are their own: they cannot give a key to someone else. */
const notYourOwner = () =>
  new KeywardError('auth.forbidden', "A creator's keys are their own: leave ownerId out, or set it to your own person id.");

const protectedKey = (what: string) =>
  new KeywardError('key.protected', `The system key is protected: it cannot be ${what}. It can be regenerated.`);

/**
 * Key management for one tenant at a time. Every method takes the authenticated caller,
 * whose permission for the operation the route table has already checked.
 */
export class KeyService {
  private readonly store: Store;
  private readonly policies: TenantPolicies;
  private readonly cipher: Cipher;
  private readonly hasher: SecretHasher;
  private readonly authenticator: Authenticator;
  private readonly cursors: CursorSealer;
  private readonly settings: KeyServiceSettings;

  constructor(deps: {
    store: Store;
    policies: TenantPolicies;
    cipher: Cipher;
    hasher: SecretHasher;
    authenticator: Authenticator;
    cursors: CursorSealer;
    settings: KeyServiceSettings;
  }) {
    this.store = deps.store;
    this.policies = deps.policies;
    this.cipher = deps.cipher;
    this.hasher = deps.hasher;
    this.authenticator = deps.authenticator;
    this.cursors = deps.cursors;
    this.settings = deps.settings;
  }

  private view(key: KeyRecord, now: Date): KeyView {
    return keyView(key, this.settings.keyPrefix, now);
  }

  private audit(caller: Caller, input: Omit<AuditInput, 'tenant' | 'actor' | 'sourceIp'>, now: Date): AuditEvent {
    return auditEvent(
      { ...input, tenant: caller.tenant, actor: caller.actor, sourceIp: caller.sourceIp },
      now,
      this.settings.auditRetentionDays,
    );
  }

  /**
   * A key of the caller's tenant; keys of other tenants do not exist as far as the caller can
   * tell, and neither do other people's keys for a creator.
   */
  private async ownKey(caller: Caller, keyId: string): Promise<KeyRecord> {
    const key = keyIdPattern.test(keyId) ? await this.store.keys.get(keyId) : undefined;
    if (!key || key.tenant !== caller.tenant || !visibleTo(caller, key)) throw keyNotFound(keyId);
    return key;
  }

  private async change(
    caller: Caller,
    key: KeyRecord,
    changes: KeyChanges,
    audit: Omit<AuditInput, 'tenant' | 'actor' | 'sourceIp'>,
    now: Date,
  ): Promise<KeyRecord> {
    const updatedAt = now.toISOString();
    try {
      await this.store.changes.write([
        { kind: 'updateKey', keyId: key.keyId, tenant: key.tenant, expectedVersion: key.version, changes: { ...changes, updatedAt } },
        { kind: 'audit', event: this.audit(caller, { ...audit, ownerId: changes.ownerId ?? key.ownerId }, now) },
      ]);
    } catch (error) {
      if (error instanceof WriteConflict) throw conflict();
      throw error;
    }
    const updated: Record<string, unknown> = { ...key, updatedAt, version: key.version + 1 };
    for (const [field, value] of Object.entries(changes)) updated[field] = value ?? undefined;
    return updated as unknown as KeyRecord;
  }

  /**
   * Creates a key and returns its secret, the only time it is shown (unless recoverable).
   * `completion`, from an idempotent request, is written in the same transaction.
   */
  async create(caller: Caller, input: CreateKeyInput, now: Date, completion?: (answer: IssuedKey) => Promise<WriteOp>): Promise<IssuedKey> {
    const scopes = [...new Set(input.scopes ?? [])];
    requireCanManage(caller.grant, { type: input.type, scopes }, 'create');
    const { onlyOwner } = caller.grant;
    if (onlyOwner !== undefined && input.ownerId !== undefined && input.ownerId !== onlyOwner) throw notYourOwner();
    // A person's keys are theirs unless they name another owner: offboarding finds them by ownerId.
    const ownerId = input.ownerId ?? caller.person?.id;
    const expiresAt = this.expiryOf(caller, input, now);
    checkNewKeyExpiry(await this.policies.get(caller.tenant), expiresAt, now);
    const { key, issued } = await newKey(
      { hasher: this.hasher, cipher: this.cipher, keyPrefix: this.settings.keyPrefix },
      {
        tenant: caller.tenant,
        name: input.name,
        description: input.description ?? '',
        type: input.type,
        scopes,
        recoverable: input.recoverable ?? false,
        createdBy: caller.actor.id,
        expiresAt,
        purgeAt: expiresAt !== undefined ? this.purgeTime(expiresAt) : undefined,
        ownerId,
        meta: input.meta,
        rateLimit: input.rateLimit,
        ...creditFields(input.credits, now),
        allowedIps: input.allowedIps?.map(canonicalCidr),
      },
      now,
    );
    const answer: IssuedKey = { key: this.view(key, now), apiKey: issued.apiKey, keySecret: issued.secret };
    const audit = this.audit(
      caller,
      {
        action: 'key.create',
        keyId: key.keyId,
        ownerId,
        details: { name: key.name, type: key.type, scopes: key.scopes, expiresAt: expiresAt ?? null },
      },
      now,
    );
    await this.store.changes.write([
      { kind: 'createKey', key },
      { kind: 'audit', event: audit },
      ...(completion ? [await completion(answer)] : []),
    ]);
    return answer;
  }

  /**
   * The first answer again, with the key as it is now: a replay never calls a key active that
   * was disabled or revoked since, and never hands out a secret that no longer works.
   */
  async replayCreated(caller: Caller, first: IssuedKey, now: Date): Promise<IssuedKey> {
    const key = await this.store.keys.get(first.key.id);
    if (!key || key.tenant !== caller.tenant) {
      throw new KeywardError(
        'key.not_found',
        `The key '${first.key.id}' created by the first request with this Idempotency-Key has since been deleted.`,
      );
    }
    if (currentSecretVersion(key) !== 1) {
      throw new KeywardError(
        'request.idempotency_stale',
        `The key '${key.keyId}' created by the first request with this Idempotency-Key was regenerated since, so the secret of the first answer no longer works: fetch the key with GET /v1/keys/${key.keyId}.`,
      );
    }
    return { ...first, key: this.view(key, now) };
  }

  /** The expiry a new key asks for, within the longest lifetime and within the creating key's own expiry. */
  private expiryOf(caller: Caller, input: CreateKeyInput, now: Date): string | undefined {
    const expiresAt =
      input.expiresAt !== undefined
        ? new Date(input.expiresAt).toISOString()
        : input.expiresInDays !== undefined
          ? new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString()
          : undefined;
    const refuse = (message: string) =>
      new KeywardError('request.invalid', `The body is not valid: ${message}.`, { details: [{ path: 'expiresAt', message }] });
    // A key cannot outlive the key that created it: an expiring credential must not be able to mint a lasting one.
    const creatorExpiry = caller.key?.expiresAt;
    if (creatorExpiry !== undefined && (expiresAt === undefined || Date.parse(expiresAt) > Date.parse(creatorExpiry))) {
      throw refuse(
        `your own key expires at ${creatorExpiry}, and a key cannot outlive the key that creates it: send expiresAt (or expiresInDays) no later than that`,
      );
    }
    if (expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime()) throw refuse('must be in the future');
    if (expiresAt !== undefined && Date.parse(expiresAt) > now.getTime() + MAX_LIFETIME_DAYS * DAY_MS)
      throw refuse(`must be within ${MAX_LIFETIME_DAYS} days`);
    return expiresAt;
  }

  private purgeTime(from: string): string {
    return new Date(Date.parse(from) + this.settings.retentionDays * DAY_MS).toISOString();
  }

  async list(caller: Caller, query: ListKeysQuery, now: Date): Promise<{ items: KeyView[]; nextCursor: string | null }> {
    // A cursor continues only the listing it came from: same tenant, same filters.
    const listing = [
      'keys',
      caller.tenant,
      query.type ?? '',
      query.status ?? '',
      query.ownerId ?? '',
      query.search ?? '',
      query.order,
    ].join('\n');
    const startKey = this.cursors.open(listing, query.cursor);
    const search = query.search?.trim() || undefined;
    // A creator lists only their own keys, whatever owner they ask for.
    const { onlyOwner } = caller.grant;
    if (onlyOwner !== undefined && query.ownerId !== undefined && query.ownerId !== onlyOwner) return { items: [], nextCursor: null };
    const filter: KeyFilter = { type: query.type, status: query.status, ownerId: onlyOwner ?? query.ownerId };
    if (search !== undefined) {
      const keyId = keyIdFromSearch(this.settings.keyPrefix, search);
      if (keyId !== undefined) {
        const key = await this.store.keys.get(keyId);
        const matches = key && key.tenant === caller.tenant && matchesFilter(key, filter, now);
        // A bare key id that names no key may still be part of a name.
        if (matches || search !== keyId) return { items: matches ? [this.view(key, now)] : [], nextCursor: null };
      }
      filter.nameContains = search;
    }
    const page = await this.store.keys.list(caller.tenant, { limit: query.limit, startKey, filter, order: query.order, now });
    return { items: page.items.map((key) => this.view(key, now)), nextCursor: this.cursors.seal(listing, page.nextKey) };
  }

  async get(caller: Caller, keyId: string, now: Date): Promise<KeyView> {
    return this.view(await this.ownKey(caller, keyId), now);
  }

  async update(caller: Caller, keyId: string, input: UpdateKeyInput, now: Date): Promise<KeyView> {
    const key = await this.ownKey(caller, keyId);
    requireCanManage(caller.grant, key, input.enabled === undefined ? 'change' : input.enabled ? 'enable' : 'disable');
    if (caller.key?.keyId === key.keyId) {
      const limits = (['rateLimit', 'credits', 'allowedIps'] as const).filter((field) => input[field] !== undefined);
      if (limits.length > 0) throw ownLimits(limits);
    }
    const { onlyOwner } = caller.grant;
    if (onlyOwner !== undefined && input.ownerId !== undefined && input.ownerId !== onlyOwner) throw notYourOwner();
    const scopes = input.scopes === undefined ? undefined : [...new Set(input.scopes)];
    if (scopes !== undefined) requireCanManage(caller.grant, { type: key.type, scopes }, 'grant');
    const changes: KeyChanges = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.description !== undefined) changes.description = input.description;
    if (scopes !== undefined) changes.scopes = scopes;
    if (input.ownerId !== undefined) changes.ownerId = input.ownerId;
    if (input.meta !== undefined) changes.meta = input.meta;
    if (input.rateLimit !== undefined) changes.rateLimit = input.rateLimit;
    if (input.credits !== undefined)
      Object.assign(changes, input.credits === null ? { credits: null, creditsPeriod: null } : creditFields(input.credits, now));
    if (input.allowedIps !== undefined) changes.allowedIps = input.allowedIps?.map(canonicalCidr) ?? null;
    let action: AuditAction = 'key.update';
    if (input.enabled !== undefined) {
      const status = effectiveStatus(key, now);
      if (status === 'revoked' || status === 'expired') {
        throw new KeywardError('key.not_editable', `The key is ${status}: it can no longer be enabled or disabled.`);
      }
      if (key.type === 'system' && !input.enabled) throw protectedKey('disabled');
      changes.status = input.enabled ? 'active' : 'disabled';
      action = input.enabled ? 'key.enable' : 'key.disable';
    }
    const changed = Object.keys(changes);
    const updated = await this.change(caller, key, changes, { action, keyId, details: { fields: changed } }, now);
    return this.view(updated, now);
  }

  /**
   * A new secret for the same key id. The old one can still be exchanged for tokens for
   * `gracePeriodSeconds`, but every token minted before (or from the old secret) loses its
   * power over Keyward at once: the secret version moves on.
   */
  async regenerate(caller: Caller, keyId: string, input: { gracePeriodSeconds?: number | undefined }, now: Date): Promise<IssuedKey> {
    const key = await this.ownKey(caller, keyId);
    requireCanManage(caller.grant, key, 'regenerate');
    const status = effectiveStatus(key, now);
    if (status === 'revoked' || status === 'expired') {
      throw new KeywardError('key.not_editable', `The key is ${status}: create a new key instead of regenerating this one.`);
    }
    const grace = input.gracePeriodSeconds ?? 0;
    checkGracePeriod(await this.policies.get(caller.tenant), grace);
    const issued = await issueSecret({ hasher: this.hasher, cipher: this.cipher, keyPrefix: this.settings.keyPrefix }, key);
    const changes: KeyChanges = {
      secretHash: issued.secretHash,
      secretVersion: currentSecretVersion(key) + 1,
      previewTail: issued.previewTail,
      sealedApiKey: issued.sealedApiKey ?? null,
      previousSecretHash: grace > 0 ? key.secretHash : null,
      previousSecretValidUntil: grace > 0 ? new Date(now.getTime() + grace * 1000).toISOString() : null,
    };
    const updated = await this.change(
      caller,
      key,
      changes,
      { action: 'key.regenerate', keyId, details: { gracePeriodSeconds: grace } },
      now,
    );
    return { key: this.view(updated, now), apiKey: issued.apiKey, keySecret: issued.secret };
  }

  async revoke(caller: Caller, keyId: string, input: { reason?: string | undefined }, now: Date): Promise<KeyView> {
    const key = await this.ownKey(caller, keyId);
    if (key.type === 'system') throw protectedKey('revoked');
    requireCanManage(caller.grant, key, 'revoke');
    if (key.status === 'revoked') throw new KeywardError('key.not_editable', 'The key is already revoked.');
    const updated = await this.change(
      caller,
      key,
      this.revocation(key, input.reason, now),
      { action: 'key.revoke', keyId, details: { reason: input.reason ?? null } },
      now,
    );
    return this.view(updated, now);
  }

  private revocation(key: KeyRecord, reason: string | undefined, now: Date): KeyChanges {
    return revocationChanges(key, reason, now, this.settings.retentionDays);
  }

  /**
   * Revokes every active or disabled non-system key of the tenant that matches, for a leak or
   * an offboarding: one `key.revoke` event per key and one `tenant.revoke_all`. Pages through
   * the tenant index and writes keys in transactions of 50 (each key with its event). Safe to
   * repeat: a second call finds nothing left to revoke, and one cut short is finished by the next.
   */
  async revokeAll(caller: Caller, input: RevokeAllInput, now: Date): Promise<{ revoked: number }> {
    const filter: KeyFilter = { type: input.type, ownerId: input.ownerId };
    let revoked = 0;
    let startKey: PageKey | undefined;
    do {
      const page = await this.store.keys.list(caller.tenant, { limit: REVOKE_ALL_PAGE, startKey, filter, order: 'asc', now });
      const due = page.items.filter((key) => key.type !== 'system' && ['active', 'disabled'].includes(effectiveStatus(key, now)));
      for (const key of due) requireCanManage(caller.grant, key, 'revoke');
      const batches = chunk(due, REVOKE_ALL_BATCH);
      for (const round of chunk(batches, REVOKE_ALL_PARALLEL_BATCHES)) {
        const counts = await Promise.all(round.map((batch) => this.revokeBatch(caller, batch, input.reason, now)));
        revoked += counts.reduce((sum, count) => sum + count, 0);
      }
      startKey = page.nextKey;
    } while (startKey);
    const details = { reason: input.reason, type: input.type ?? null, ownerId: input.ownerId ?? null, revoked };
    // After every key.revoke it summarises, in the log's order too.
    const done = new Date(Math.max(Date.now(), now.getTime() + 1));
    await this.store.changes.write([
      { kind: 'audit', event: this.audit(caller, { action: 'tenant.revoke_all', keyId: null, details }, done) },
    ]);
    return { revoked };
  }

  /** One transaction for the batch; if a key changed meanwhile, each key of the batch on its own. */
  private async revokeBatch(caller: Caller, keys: KeyRecord[], reason: string, now: Date): Promise<number> {
    const ops = (key: KeyRecord): WriteOp[] => [
      { kind: 'updateKey', keyId: key.keyId, tenant: key.tenant, expectedVersion: key.version, changes: this.revocation(key, reason, now) },
      {
        kind: 'audit',
        event: this.audit(
          caller,
          { action: 'key.revoke', keyId: key.keyId, ownerId: key.ownerId, details: { reason, revokeAll: true } },
          now,
        ),
      },
    ];
    try {
      await this.store.changes.write(keys.flatMap(ops));
      return keys.length;
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
    }
    let revoked = 0;
    for (const stale of keys) {
      const key = await this.store.keys.get(stale.keyId);
      if (!key || key.tenant !== caller.tenant || key.type === 'system' || !['active', 'disabled'].includes(effectiveStatus(key, now)))
        continue;
      try {
        await this.store.changes.write(ops(key));
        revoked++;
      } catch (error) {
        if (!(error instanceof WriteConflict)) throw error;
      }
    }
    return revoked;
  }

  async delete(caller: Caller, keyId: string, now: Date): Promise<void> {
    const key = await this.ownKey(caller, keyId);
    if (key.type === 'system') throw protectedKey('deleted');
    requireCanManage(caller.grant, key, 'delete');
    const ops: WriteOp[] = [
      { kind: 'deleteKey', keyId, tenant: caller.tenant, expectedVersion: key.version },
      {
        kind: 'audit',
        event: this.audit(caller, { action: 'key.delete', keyId, ownerId: key.ownerId, details: { name: key.name, type: key.type } }, now),
      },
    ];
    try {
      await this.store.changes.write(ops);
    } catch (error) {
      if (error instanceof WriteConflict) throw conflict();
      throw error;
    }
  }

  /** The full key of a recoverable key, for `keys:admin` only, and audited. */
  async reveal(caller: Caller, keyId: string, now: Date): Promise<{ apiKey: string }> {
    const key = await this.ownKey(caller, keyId);
    if (!key.recoverable || key.sealedApiKey === undefined) {
      throw new KeywardError(
        'key.not_recoverable',
        key.recoverable
          ? 'The key is revoked, so its secret is no longer kept.'
          : 'The key was not created as recoverable, so its secret was never kept: regenerate it to get a new one.',
      );
    }
    const apiKey = Buffer.from(
      await this.cipher.open(key.sealedApiKey, { tenant: key.tenant, keyId, purpose: 'recoverable-key' }),
    ).toString('utf8');
    await this.store.changes.write([
      { kind: 'audit', event: this.audit(caller, { action: 'key.reveal', keyId, ownerId: key.ownerId }, now) },
    ]);
    return { apiKey };
  }

  /**
   * Tells a gateway whether an API key or token of this tenant is good right now; checking a
   * key is a use of it. A failure is audited with the caller who asked as the actor, not the
   * key that was checked. Answers the verdict and the headers of the use.
   */
  async verify(caller: Caller, input: { apiKey?: string | undefined; token?: string | undefined }, now: Date) {
    if (input.apiKey === undefined) {
      const verdict = await this.authenticator.judgeToken(input.token ?? '', { now, sourceIp: caller.sourceIp, onlyTenant: caller.tenant });
      if (!verdict.ok) return { body: { valid: false as const, code: verdict.refusal.code }, headers: {} };
      const { key, grant } = verdict.value;
      // Verify speaks of keys: a person's token is for Keyward's own routes, not for a gateway.
      if (!key) return { body: { valid: false as const, code: 'auth.invalid_token' as const }, headers: {} };
      return { body: { valid: true as const, key: this.view(key, now), scopes: grantedScopes(grant), ...ownerAndMeta(key) }, headers: {} };
    }
    const verdict = await this.authenticator.judgeKey(
      { apiKey: input.apiKey },
      { sourceIp: caller.sourceIp, now, onlyTenant: caller.tenant, actor: caller.actor },
    );
    if (!verdict.ok) {
      const { refusal } = verdict;
      const retryAfter = refusal.code === 'authentication.rate_limited' ? Number(refusal.headers?.['retry-after']) : undefined;
      return {
        body: { valid: false as const, code: refusal.code, ...(retryAfter !== undefined ? { retryAfter } : {}) },
        headers: pickRateLimitHeaders(refusal.headers),
      };
    }
    const { key, grant, usage } = verdict.value;
    return {
      body: { valid: true as const, key: this.view(key, now), scopes: grantedScopes(grant), ...ownerAndMeta(key), ...usage },
      headers: rateLimitHeaders(usage),
    };
  }

  whoami(caller: Caller, now: Date) {
    const scopes = grantedScopes(caller.grant);
    if (caller.person) {
      const { id, email, name, role } = caller.person;
      return {
        person: { id, email, name, role },
        tenant: caller.tenant,
        scopes,
        tokenExpiresAt: caller.tokenExpiresAt ?? now.toISOString(),
      };
    }
    if (!caller.key) throw new KeywardError('internal.error', 'A caller is either a key or a person.');
    return { key: this.view(caller.key, now), tenant: caller.tenant, scopes, tokenExpiresAt: caller.tokenExpiresAt };
  }

  async listAudit(caller: Caller, query: { keyId?: string | undefined; limit: number; cursor?: string | undefined }) {
    const listing = `audit:${caller.tenant}:${query.keyId ?? '*'}`;
    const page = await this.store.audit.list(caller.tenant, {
      keyId: query.keyId,
      limit: query.limit,
      startKey: this.cursors.open(listing, query.cursor),
    });
    // A creator sees the events of their own keys and their own acts; a page may hold fewer for it.
    const { onlyOwner } = caller.grant;
    const visible = onlyOwner === undefined ? page.items : page.items.filter((e) => e.ownerId === onlyOwner || e.actor === onlyOwner);
    return {
      items: visible.map(({ id, at, action, keyId, actor, actorType, actorEmail, actorName, sourceIp, outcome, details }) => ({
        id,
        at,
        action,
        keyId,
        actor,
        actorType,
        ...(actorEmail !== undefined ? { actorEmail } : {}),
        ...(actorName !== undefined ? { actorName } : {}),
        sourceIp,
        outcome,
        details,
      })),
      nextCursor: this.cursors.seal(listing, page.nextKey),
    };
  }
}

/** A creator sees only the keys they own; everyone else sees every key of their tenant. */
/** What revoking a key changes: final status, a purge time, and no old or recoverable secret kept. */
export function revocationChanges(key: KeyRecord, reason: string | undefined, now: Date, retentionDays: number): KeyChanges {
  const purgeAt = new Date(now.getTime() + retentionDays * DAY_MS).toISOString();
  return {
    status: 'revoked',
    revokedAt: now.toISOString(),
    revokeReason: reason ?? null,
    purgeAt: key.purgeAt !== undefined && key.purgeAt < purgeAt ? key.purgeAt : purgeAt,
    previousSecretHash: null,
    previousSecretValidUntil: null,
    sealedApiKey: null,
    updatedAt: now.toISOString(),
  };
}

const visibleTo = (caller: Caller, key: KeyRecord) => caller.grant.onlyOwner === undefined || key.ownerId === caller.grant.onlyOwner;

/** The list filter judged on one record (a search by key id reads the key, not the index). */
function matchesFilter(key: KeyRecord, filter: KeyFilter, now: Date): boolean {
  return (
    (filter.type === undefined || key.type === filter.type) &&
    (filter.status === undefined || effectiveStatus(key, now) === filter.status) &&
    (filter.ownerId === undefined || key.ownerId === filter.ownerId)
  );
}

/** Credits as stored: counted in the current refill period, so the first refill comes at the next boundary. */
function creditFields(credits: Credits | undefined, now: Date): Pick<KeyRecord, 'credits' | 'creditsPeriod'> {
  if (!credits) return {};
  return { credits, creditsPeriod: credits.refill ? refillPeriod(credits.refill.interval, now) : undefined };
}

const ownerAndMeta = (key: KeyRecord) => ({
  ...(key.ownerId !== undefined ? { ownerId: key.ownerId } : {}),
  ...(key.meta !== undefined ? { meta: key.meta } : {}),
});

const pickRateLimitHeaders = (headers: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => name.startsWith('ratelimit-')));
