import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { KeywardError, invalidApiKey } from '../errors.ts';
import type { AuditLog, KeyRecord, KeyRepository } from '../ports.ts';
import { parseApiKey, keyIdPattern, secretPattern, type ApiKeyParts } from '../domain/api-key.ts';
import { effectiveStatus } from '../domain/key-status.ts';
import { currentSecretVersion } from '../domain/secret-version.ts';
import { grantedScopes, narrowGrant, type Grant } from '../domain/permissions.ts';
import { metrics } from '../observability.ts';
import type { SecretHasher } from './secret-hasher.ts';
import type { TokenService } from './token-service.ts';
import { authenticationFailureEvent, unknownKeyAttempt } from './audit.ts';

/** Who is calling: the live record of the caller's key, checked on this very request. */
export interface Caller {
  key: KeyRecord;
  /** What this credential may do: the key's own grant, or the part of it a token was narrowed to. */
  grant: Grant;
  tenant: string;
  tokenExpiresAt: string | null;
  sourceIp: string | null;
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
}

export type Credential = { apiKey: string } | { keyId: string; keySecret: string };

export interface AuthenticatorSettings {
  keyPrefix: string;
  lastUsedIntervalSeconds: number;
  auditRetentionDays: number;
}

const statusErrors = {
  disabled: () => new KeywardError('authentication.key_disabled', 'This API key is disabled: ask an admin of your tenant to enable it.'),
  revoked: () => new KeywardError('authentication.key_revoked', 'This API key has been revoked and can no longer be used: ask an admin for a new key.'),
  expired: () => new KeywardError('authentication.key_expired', 'This API key has expired: ask an admin to regenerate it or create a new one.'),
} as const;

const tokenSuperseded = () =>
  new KeywardError(
    'authentication.token_superseded',
    "This token was issued before the key's secret was last regenerated (or from the old secret during its grace period), so Keyward no longer accepts it: authenticate again with the key's current secret.",
  );

const supersededSecret = () =>
  new KeywardError(
    'auth.superseded_secret',
    'This secret was replaced by a regenerate: during its grace period it can only be exchanged for tokens or verified, not manage keys. Use the key\'s new secret.',
  );

/** Credentials that were presented and refused feed the failure metric (and its alarm); a missing one does not. */
function countFailure(error: unknown): void {
  if (error instanceof KeywardError && error.status < 500 && error.code !== 'auth.missing_credentials') {
    metrics.addMetric('AuthenticationFailure', MetricUnit.Count, 1);
  }
}

async function counted<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    countFailure(error);
    throw error;
  }
}

/**
 * Turns credentials into a `Caller`. The hot path is one strongly consistent read and an
 * in-memory HMAC; status is judged in code (TTL deletion can be two days late) and reported
 * only to whoever proved they hold the secret.
 */
export class Authenticator {
  private readonly store: { keys: KeyRepository; audit: AuditLog };
  private readonly hasher: SecretHasher;
  private readonly tokens: TokenService;
  private readonly settings: AuthenticatorSettings;

  constructor(store: { keys: KeyRepository; audit: AuditLog }, hasher: SecretHasher, tokens: TokenService, settings: AuthenticatorSettings) {
    this.store = store;
    this.hasher = hasher;
    this.tokens = tokens;
    this.settings = settings;
  }

  /** Splits a full key, or refuses it without I/O when it is malformed or fails its checksum. */
  private parseApiKey(apiKey: string): ApiKeyParts {
    const parts = parseApiKey(this.settings.keyPrefix, apiKey);
    if (!parts) throw invalidApiKey();
    return parts;
  }

  /** Accepts a full key, or a Key ID and Key Secret pair (the secret may also be the full key). */
  private partsOf(credential: Credential): ApiKeyParts {
    if ('apiKey' in credential) return this.parseApiKey(credential.apiKey);
    const { keyId, keySecret } = credential;
    if (keySecret.startsWith(`${this.settings.keyPrefix}_`)) {
      const parts = this.parseApiKey(keySecret);
      if (parts.keyId !== keyId) throw invalidApiKey();
      return parts;
    }
    if (!keyIdPattern.test(keyId) || !secretPattern.test(keySecret)) throw invalidApiKey();
    return { keyId, secret: keySecret };
  }

  /**
   * Checks a key's secret and status. Failures of an existing key are audited (counted per
   * minute, key, actor and source), attempts with an unknown key id are counted at the same
   * cost, so neither the answer nor its timing tells whether a key id exists. With
   * `onlyTenant`, a key of another tenant is treated as unknown and leaves no trace there.
   * `actor` is who presented the key, when that is not its holder (a verify call).
   */
  checkKey(credential: Credential, context: { sourceIp: string | null; now: Date; onlyTenant?: string; actor?: string }): Promise<ProvenKey> {
    return counted(async () => {
      const parts = this.partsOf(credential);
      const { now, sourceIp } = context;
      const key = await this.store.keys.get(parts.keyId);
      if (!key || (context.onlyTenant !== undefined && key.tenant !== context.onlyTenant)) {
        const { event, windowStart } = unknownKeyAttempt({ keyId: parts.keyId, actor: context.actor, sourceIp }, now);
        await this.store.audit.countUnknownKeyAttempt(event, windowStart);
        throw invalidApiKey();
      }
      const current = this.hasher.matches(key.keyId, parts.secret, key.secretHash);
      const grace =
        !current &&
        key.previousSecretHash !== undefined &&
        key.previousSecretValidUntil !== undefined &&
        Date.parse(key.previousSecretValidUntil) > now.getTime() &&
        this.hasher.matches(key.keyId, parts.secret, key.previousSecretHash);
      const actor = context.actor ?? key.keyId;
      if (!current && !grace) {
        await this.auditFailure(key, actor, 'wrong_secret', sourceIp, now);
        throw invalidApiKey();
      }
      const status = effectiveStatus(key, now);
      if (status !== 'active') {
        await this.auditFailure(key, actor, status, sourceIp, now);
        throw statusErrors[status]();
      }
      await this.recordUse(key, now);
      const version = currentSecretVersion(key);
      return { key, grant: key, secretVersion: grace ? version - 1 : version, graceSecret: grace };
    });
  }

  private async auditFailure(key: KeyRecord, actor: string, reason: string, sourceIp: string | null, now: Date): Promise<void> {
    const { event, windowStart } = authenticationFailureEvent(
      { tenant: key.tenant, keyId: key.keyId, actor, sourceIp, reason },
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
      const { key, graceSecret } = await this.checkKey({ apiKey: apiKey.trim() }, { sourceIp, now });
      if (graceSecret) {
        const refusal = supersededSecret();
        countFailure(refusal);
        throw refusal;
      }
      return { key, grant: key, tenant: key.tenant, tokenExpiresAt: null, sourceIp };
    }
    if (authorization === undefined || authorization === '') {
      throw new KeywardError('auth.missing_credentials', 'This call needs a credential: send Authorization: Bearer <token> from POST /v1/authentication, or x-api-key: <your API key>.');
    }
    const [scheme, token, extra] = authorization.trim().split(/\s+/);
    if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) {
      throw new KeywardError('auth.missing_credentials', 'The Authorization header must be "Bearer <token>"; to send an API key instead, use the x-api-key header.');
    }
    const { key, grant, expiresAt } = await this.checkToken(token, { now });
    return { key, grant, tenant: key.tenant, tokenExpiresAt: expiresAt, sourceIp };
  }

  /**
   * Verifies a token and checks its key live: a token of a key revoked or disabled a moment
   * ago, or minted before the key's latest regenerate, is refused. With `onlyTenant`, a
   * token of another tenant is treated as invalid. Its grant is what the token was given,
   * within what the key holds now.
   */
  checkToken(token: string, context: { now: Date; onlyTenant?: string }): Promise<{ key: KeyRecord; grant: Grant; expiresAt: string }> {
    return counted(async () => {
      const claims = await this.tokens.verify(token, context.now);
      const sameTenant = context.onlyTenant === undefined || claims.tenant === context.onlyTenant;
      const key = sameTenant ? await this.store.keys.get(claims.keyId) : undefined;
      if (!key || key.tenant !== claims.tenant) {
        throw new KeywardError('auth.invalid_token', 'The key this token was issued to no longer exists: authenticate with a current API key.');
      }
      const status = effectiveStatus(key, context.now);
      if (status !== 'active') throw statusErrors[status]();
      if (claims.secretVersion !== currentSecretVersion(key)) throw tokenSuperseded();
      await this.recordUse(key, context.now);
      // A scope removed from the key since the token was minted is gone from the token too.
      const live = grantedScopes(key);
      const grant = narrowGrant(key, claims.scopes.filter((scope) => live.includes(scope)));
      return { key, grant, expiresAt: claims.expiresAt };
    });
  }
}
