import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { KeywardError, invalidApiKey } from '../errors.ts';
import type { Actor, AuditLog, ChangeWriter, KeyRecord, KeyRepository, PeopleDirectory, UseRecorder } from '../ports.ts';
import type { UseOutcome } from '../domain/usage-analytics.ts';
import { parseApiKey, keyIdPattern, secretPattern, type ApiKeyParts } from '../domain/api-key.ts';
import { effectiveStatus } from '../domain/key-status.ts';
import { currentSecretVersion } from '../domain/secret-version.ts';
import { grantedScopes, narrowGrant, permissions, roleGrant, type Grant } from '../domain/permissions.ts';
import { metrics } from '../observability.ts';
import { metricNames } from '../limits.ts';
import type { SecretHasher } from './secret-hasher.ts';
import type { PersonClaims, TokenClaims, TokenService } from './token-service.ts';
import { auditEvent, authenticationFailureEvent, keyActor, unknownKeyAttempt } from './audit.ts';
import { decideUse, ipAllowed, rateLimitHeaders, usageReport, type UsageReport, type UsageState } from '../domain/usage-controls.ts';
import type { TenantPolicies } from './tenant-policy.ts';

/** Who is calling: a key (its live record, checked on this very request) or a signed-in person. */
export interface Caller {
  /** The caller's key; undefined when a person calls. */
  key: KeyRecord | undefined;
  /** The person calling with their token; undefined when a key calls. */
  person: PersonClaims | undefined;
  /** Who the audit log names for what this caller does. */
  actor: Actor;
  /** What this credential may do: the key's own grant, or the part of it a token was narrowed to. */
  grant: Grant;
  tenant: string;
  tokenExpiresAt: string | null;
  sourceIp: string | null;
  /** What this call, when it was a use of the key (`x-api-key`), left of its rate limit and credits. */
  usage?: UsageReport | undefined;
}

/** A key whose secret was proven right: by its current secret, or by the old one during a grace period. */
export interface ProvenKey {
  key: KeyRecord;
  /** A key presented whole may do everything it holds. */
  grant: Grant;
  /** The version of the secret that was presented: tokens minted from it carry it. */
  secretVersion: number;
  /** The secret presented was the one a regenerate replaced; it may only be exchanged for tokens and verified. */
  graceSecret: boolean;
  /** What this use left of the key's rate limit and credits. */
  usage: UsageReport;
  /** A system key used under the tenant's break-glass policy: its tokens are kept short. */
  breakGlass: boolean;
}

/** Uses of one key racing in one window settle within a few rounds; beyond this something is wrong. */
const MAX_USE_ATTEMPTS = 8;

export type Credential = { apiKey: string } | { keyId: string; keySecret: string };

export interface AuthenticatorSettings {
  keyPrefix: string;
  lastUsedIntervalSeconds: number;
  auditRetentionDays: number;
}

const statusErrors = {
  disabled: () => new KeywardError('authentication.key_disabled', 'This API key is disabled: ask an admin of your tenant to enable it.'),
  revoked: () =>
    new KeywardError('authentication.key_revoked', 'This API key has been revoked and can no longer be used: ask an admin for a new key.'),
  expired: () =>
    new KeywardError('authentication.key_expired', 'This API key has expired: ask an admin to regenerate it or create a new one.'),
} as const;

const ipNotAllowed = () =>
  new KeywardError(
    'authentication.ip_not_allowed',
    'This key may not be used from your address: ask an admin of your tenant to add it to the allowed IPs.',
  );

const rateLimited = (retryAfter: number, report: UsageReport) =>
  new KeywardError('authentication.rate_limited', `This key is over its rate limit: retry in ${retryAfter} seconds.`, {
    headers: { 'retry-after': String(retryAfter), ...rateLimitHeaders(report) },
  });

const usageExceeded = (retryAfter: number | undefined, report: UsageReport) =>
  new KeywardError(
    'authentication.usage_exceeded',
    retryAfter === undefined
      ? 'This key has used all its credits: ask an admin of your tenant to add credits.'
      : `This key has used all its credits until they refill in ${retryAfter} seconds: retry then, or ask an admin for more.`,
    { headers: { ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }), ...rateLimitHeaders(report) } },
  );

const tokenSuperseded = () =>
  new KeywardError(
    'authentication.token_superseded',
    "This token was issued before the key's secret was last regenerated (or from the old secret during its grace period), so Keyward no longer accepts it: authenticate again with the key's current secret.",
  );

const personSignedOut = () =>
  new KeywardError(
    'authentication.token_superseded',
    'This token was issued before an admin of your tenant signed you out, so Keyward no longer accepts it: sign in again.',
  );

const systemKeyDisabled = () =>
  new KeywardError(
    'policy.system_key_disabled',
    "The tenant's policy turns its system key off: sign in as a person, or have an operator turn it back on with `keyward policy set --tenant <id> --system-key enabled`.",
  );

const ambiguousCredentials = () =>
  new KeywardError(
    'request.ambiguous_credentials',
    'This request carries two credentials (Authorization and x-api-key): send exactly one, so it is clear who is calling.',
  );

const supersededSecret = () =>
  new KeywardError(
    'auth.superseded_secret',
    "This secret was replaced by a regenerate: during its grace period it can only be exchanged for tokens or verified, not manage keys. Use the key's new secret.",
  );

/** A judgement on a credential: what it proved, or why it is refused. */
export type Verdict<T> = { ok: true; value: T } | { ok: false; refusal: KeywardError };

/** Credentials that were presented and refused feed the failure metric (and its alarm). */
function refuse(refusal: KeywardError): { ok: false; refusal: KeywardError } {
  metrics.addMetric(metricNames.authenticationFailure, MetricUnit.Count, 1);
  return { ok: false, refusal };
}

const accept = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

function unwrap<T>(verdict: Verdict<T>): T {
  if (!verdict.ok) throw verdict.refusal;
  return verdict.value;
}

/**
 * Turns credentials into a `Caller`. The hot path is one strongly consistent read and an
 * in-memory HMAC; status is judged in code (TTL deletion can be two days late) and reported
 * only to whoever proved they hold the secret.
 */
export class Authenticator {
  private readonly store: AuthenticatorStore;
  private readonly hasher: SecretHasher;
  private readonly tokens: TokenService;
  private readonly settings: AuthenticatorSettings;

  private readonly policies: TenantPolicies;

  /** `store.uses` absent: usage analytics are off, and a use is not even recorded. */
  constructor(
    store: AuthenticatorStore,
    policies: TenantPolicies,
    hasher: SecretHasher,
    tokens: TokenService,
    settings: AuthenticatorSettings,
  ) {
    this.store = store;
    this.policies = policies;
    this.hasher = hasher;
    this.tokens = tokens;
    this.settings = settings;
  }

  /** The parts of a full key, or of a Key ID and Key Secret pair (the secret may also be the full key); undefined for anything malformed. */
  private partsOf(credential: Credential): ApiKeyParts | undefined {
    const { keyPrefix } = this.settings;
    if ('apiKey' in credential) return parseApiKey(keyPrefix, credential.apiKey);
    const { keyId, keySecret } = credential;
    if (keySecret.startsWith(`${keyPrefix}_`)) {
      const parts = parseApiKey(keyPrefix, keySecret);
      return parts?.keyId === keyId ? parts : undefined;
    }
    return keyIdPattern.test(keyId) && secretPattern.test(keySecret) ? { keyId, secret: keySecret } : undefined;
  }

  /**
   * Judges a key's secret and status. A malformed key is refused without I/O. Failures of an
   * existing key are audited (counted per minute, key, actor and source), attempts with an
   * unknown key id are counted at the same cost, so neither the answer nor its timing tells
   * whether a key id exists. With `onlyTenant`, a key of another tenant is treated as unknown
   * and leaves no trace there. `actor` is who presented the key, when that is not its holder
   * (a verify call).
   */
  async judgeKey(
    credential: Credential,
    context: { sourceIp: string | null; now: Date; onlyTenant?: string; actor?: Actor },
  ): Promise<Verdict<ProvenKey>> {
    const parts = this.partsOf(credential);
    if (!parts) return refuse(invalidApiKey());
    const { now, sourceIp } = context;
    const key = await this.store.keys.get(parts.keyId);
    if (!key || (context.onlyTenant !== undefined && key.tenant !== context.onlyTenant)) {
      const { event, windowStart } = unknownKeyAttempt({ keyId: parts.keyId, actor: context.actor, sourceIp }, now);
      await this.store.audit.countUnknownKeyAttempt(event, windowStart);
      return refuse(invalidApiKey());
    }
    const which = this.hasher.secretOf(key, parts.secret, now);
    const grace = which === 'previous';
    const { actor } = context;
    if (!which) {
      await this.auditFailure(key, actor, 'wrong_secret', sourceIp, now);
      return refuse(invalidApiKey());
    }
    // The secret is right: now status, source IP, rate limit and credits, in that order.
    const status = effectiveStatus(key, now);
    if (status !== 'active') {
      this.recordOutcome(key, 'refused', now);
      await this.auditFailure(key, actor, status, sourceIp, now);
      return refuse(statusErrors[status]());
    }
    if (!(await this.sourceAllowed(key, sourceIp))) {
      this.recordOutcome(key, 'ipNotAllowed', now);
      await this.auditFailure(key, actor, 'ip_not_allowed', sourceIp, now);
      return refuse(ipNotAllowed());
    }
    const systemKey = key.type === 'system' ? (await this.policies.get(key.tenant)).systemKey : 'enabled';
    if (systemKey === 'disabled') {
      this.recordOutcome(key, 'refused', now);
      await this.auditFailure(key, actor, 'system_key_disabled', sourceIp, now);
      return refuse(systemKeyDisabled());
    }
    const counted = await this.countUse(key, now);
    if (!counted.ok) {
      const { code } = counted.refusal;
      const outcome =
        code === 'authentication.rate_limited' ? 'rateLimited' : code === 'authentication.usage_exceeded' ? 'usageExceeded' : undefined;
      if (outcome) this.recordOutcome(key, outcome, now);
      await this.auditFailure(key, actor, code.replace('authentication.', ''), sourceIp, now);
      return refuse(counted.refusal);
    }
    this.recordOutcome(key, 'valid', now);
    await this.recordUse(counted.value, now);
    if (systemKey === 'break-glass') await this.auditBreakGlass(key, sourceIp, now);
    const version = currentSecretVersion(key);
    return accept({
      key: counted.value,
      grant: key,
      secretVersion: grace ? version - 1 : version,
      graceSecret: grace,
      usage: usageReport(counted.value, now),
      breakGlass: systemKey === 'break-glass',
    });
  }

  /** Each use of a system key under break-glass is an audit event (and so an event an alarm can follow). */
  private async auditBreakGlass(key: KeyRecord, sourceIp: string | null, now: Date): Promise<void> {
    const event = auditEvent(
      { tenant: key.tenant, action: 'tenant.break_glass', keyId: key.keyId, actor: keyActor(key.keyId), sourceIp },
      now,
      this.settings.auditRetentionDays,
    );
    await this.store.changes.write([{ kind: 'audit', event }]);
  }

  /** Writes the use down for analytics: a line, not a store call; it is counted later, in batches. */
  private recordOutcome(key: KeyRecord, outcome: UseOutcome, at: Date): void {
    this.store.uses?.record({ tenant: key.tenant, keyId: key.keyId, outcome, at });
  }

  /** The key's own allowed IPs and its tenant's, when they are set. */
  private async sourceAllowed(key: KeyRecord, sourceIp: string | null): Promise<boolean> {
    if (key.allowedIps && !ipAllowed(sourceIp, key.allowedIps)) return false;
    const { allowedIps } = await this.policies.get(key.tenant);
    return !allowedIps || ipAllowed(sourceIp, allowedIps);
  }

  /**
   * Counts a use against the key's rate limit and credits: one conditional write, exact across
   * every function. A refused use changes nothing; a write that lost a race is judged again
   * on the key as it is stored now (an admin may have changed its limits or credits meanwhile).
   */
  private async countUse(key: KeyRecord, now: Date): Promise<Verdict<KeyRecord>> {
    let current: KeyRecord = key;
    for (let attempt = 0; attempt < MAX_USE_ATTEMPTS; attempt++) {
      const decision = decideUse(current, now);
      if (decision.kind === 'rate_limited') return { ok: false, refusal: rateLimited(decision.retryAfter, usageReport(current, now)) };
      if (decision.kind === 'usage_exceeded') return { ok: false, refusal: usageExceeded(decision.retryAfter, usageReport(current, now)) };
      if (!decision.plan) return accept(current);
      const result = await this.store.keys.countUse(current.keyId, decision.plan);
      if (result.ok) return accept(withCounters(current, result.counted));
      if (!result.current) return { ok: false, refusal: invalidApiKey() };
      current = result.current;
    }
    return { ok: false, refusal: new KeywardError('key.conflict', 'Too many uses of this key raced at once: retry in a moment.') };
  }

  /** `judgeKey`, throwing the refusal. */
  async checkKey(
    credential: Credential,
    context: { sourceIp: string | null; now: Date; onlyTenant?: string; actor?: Actor },
  ): Promise<ProvenKey> {
    return unwrap(await this.judgeKey(credential, context));
  }

  private async auditFailure(key: KeyRecord, actor: Actor | undefined, reason: string, sourceIp: string | null, now: Date): Promise<void> {
    const { event, windowStart } = authenticationFailureEvent(
      { tenant: key.tenant, keyId: key.keyId, actor, sourceIp, reason, ownerId: key.ownerId },
      now,
      this.settings.auditRetentionDays,
    );
    await this.store.audit.countAuthenticationFailure(event, windowStart);
  }

  /** Writes `lastUsedAt` at most once per interval per key, never on every call. */
  private async recordUse(key: KeyRecord, now: Date): Promise<void> {
    const since = new Date(now.getTime() - this.settings.lastUsedIntervalSeconds * 1000).toISOString();
    if (key.lastUsedAt !== undefined && key.lastUsedAt >= since) return;
    key.lastUsedAt = now.toISOString();
    await this.store.keys.touchLastUsed(key.keyId, key.lastUsedAt, since);
  }

  /**
   * The caller behind a request's `x-api-key` or `Authorization: Bearer` header. A secret in
   * its grace period cannot manage keys: only the key's current secret (or a token minted
   * from it) can.
   */
  async callerFrom(headers: Record<string, string | undefined>, sourceIp: string | null, now: Date): Promise<Caller> {
    const apiKey = headers['x-api-key'];
    const authorization = headers.authorization;
    if (apiKey !== undefined && apiKey !== '') {
      if (authorization !== undefined && authorization !== '') throw ambiguousCredentials();
      const { key, graceSecret, usage } = await this.checkKey({ apiKey: apiKey.trim() }, { sourceIp, now });
      if (graceSecret) throw refuse(supersededSecret()).refusal;
      return { key, person: undefined, actor: keyActor(key.keyId), grant: key, tenant: key.tenant, tokenExpiresAt: null, sourceIp, usage };
    }
    if (authorization === undefined || authorization === '') {
      throw new KeywardError(
        'auth.missing_credentials',
        'This call needs a credential: send Authorization: Bearer <token> from POST /v1/authentication, or x-api-key: <your API key>.',
      );
    }
    const [scheme, token, extra] = authorization.trim().split(/\s+/);
    if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) {
      throw new KeywardError(
        'auth.missing_credentials',
        'The Authorization header must be "Bearer <token>"; to send an API key instead, use the x-api-key header.',
      );
    }
    return unwrap(await this.judgeToken(token, { now, sourceIp }));
  }

  /**
   * Judges a token and its holder live: a token of a key revoked or disabled a moment ago, or
   * minted before the key's latest regenerate, is refused, and so is a person's token issued
   * before they were signed out. With `onlyTenant`, a token of another tenant is treated as
   * invalid. Its grant is what the token was given, within what the key holds now.
   */
  async judgeToken(token: string, context: { now: Date; sourceIp: string | null; onlyTenant?: string }): Promise<Verdict<Caller>> {
    const claims = await this.tokens.judge(token, context.now);
    if (!claims.ok) return refuse(claims.refusal);
    const { tenant } = claims.value;
    if (context.onlyTenant !== undefined && tenant !== context.onlyTenant) return refuse(holderGone());
    return claims.value.person
      ? this.judgePersonToken(claims.value.person, claims.value, context)
      : this.judgeKeyToken(claims.value, context);
  }

  private async judgeKeyToken(claims: TokenClaims, context: { now: Date; sourceIp: string | null }): Promise<Verdict<Caller>> {
    const { keyId, tenant, secretVersion, scopes, expiresAt } = claims;
    const key = keyId === undefined ? undefined : await this.store.keys.get(keyId);
    if (!key || key.tenant !== tenant) return refuse(holderGone());
    const status = effectiveStatus(key, context.now);
    if (status !== 'active') return refuse(statusErrors[status]());
    if (secretVersion !== currentSecretVersion(key)) return refuse(tokenSuperseded());
    // A token's calls are not uses (its issuance was), but where it comes from is checked all the same.
    if (!(await this.sourceAllowed(key, context.sourceIp))) return refuse(ipNotAllowed());
    if (key.type === 'system') {
      const { systemKey } = await this.policies.get(tenant);
      if (systemKey === 'disabled') return refuse(systemKeyDisabled());
      if (systemKey === 'break-glass') await this.auditBreakGlass(key, context.sourceIp, context.now);
    }
    await this.recordUse(key, context.now);
    // A scope removed from the key since the token was minted is gone from the token too.
    const live = grantedScopes(key);
    const grant = narrowGrant(
      key,
      scopes.filter((scope) => live.includes(scope)),
    );
    return accept({
      key,
      person: undefined,
      actor: keyActor(key.keyId),
      grant,
      tenant,
      tokenExpiresAt: expiresAt,
      sourceIp: context.sourceIp,
    });
  }

  /** A person's token holds while they are not signed out; the tenant's allowed IPs bind people as they bind keys. */
  private async judgePersonToken(
    person: PersonClaims,
    claims: TokenClaims,
    context: { now: Date; sourceIp: string | null },
  ): Promise<Verdict<Caller>> {
    const { tenant, scopes, issuedAt, expiresAt } = claims;
    const record = await this.store.people.get(tenant, person.id);
    if (!record) return refuse(holderGone());
    if (record.signedOutAt !== null && record.signedOutAt >= issuedAt) return refuse(personSignedOut());
    const { allowedIps } = await this.policies.get(tenant);
    if (allowedIps && !ipAllowed(context.sourceIp, allowedIps)) return refuse(ipNotAllowed());
    const customScopes = scopes.filter((scope) => !(permissions as readonly string[]).includes(scope));
    const grant = narrowGrant(roleGrant(person.role, customScopes, person.id), scopes);
    return accept({
      key: undefined,
      person,
      actor: personActor(person),
      grant,
      tenant,
      tokenExpiresAt: expiresAt,
      sourceIp: context.sourceIp,
    });
  }
}

/** The actor of a person's calls: their id, and the e-mail and name their identity provider gave. */
export const personActor = (person: PersonClaims): Actor => ({
  id: person.id,
  type: 'person',
  ...(person.email !== null ? { email: person.email } : {}),
  ...(person.name !== null ? { name: person.name } : {}),
});

const holderGone = () =>
  new KeywardError('auth.invalid_token', 'The key or person this token was issued to is not known here: authenticate or sign in again.');

type AuthenticatorStore = {
  keys: KeyRepository;
  audit: AuditLog;
  people: PeopleDirectory;
  changes: ChangeWriter;
  uses?: UseRecorder | undefined;
};

/** The key with the counters a use write returned (a partial update carries only `credits.remaining`). */
function withCounters(key: KeyRecord, counted: UsageState): KeyRecord {
  return {
    ...key,
    ...(counted.rateWindowStart !== undefined ? { rateWindowStart: counted.rateWindowStart, rateCount: counted.rateCount } : {}),
    ...(counted.credits !== undefined && key.credits ? { credits: { ...key.credits, remaining: counted.credits.remaining } } : {}),
    ...(counted.creditsPeriod !== undefined ? { creditsPeriod: counted.creditsPeriod } : {}),
  };
}
