import { KeywardError, invalidApiKey } from '../errors.ts';
import type { KeyRecord, KeyStore } from '../ports.ts';
import { parseApiKey, keyIdPattern, secretPattern, type ApiKeyParts } from '../domain/api-key.ts';
import { effectiveStatus } from '../domain/key-status.ts';
import type { SecretHasher } from './secret-hasher.ts';
import type { TokenService } from './token-service.ts';
import { auditEvent } from './audit.ts';

/** Who is calling: the live record of the caller's key, checked on this very request. */
export interface Caller {
  key: KeyRecord;
  tenant: string;
  tokenExpiresAt: string | null;
  sourceIp: string | null;
}

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

/**
 * Turns credentials into a `Caller`. The hot path is one strongly consistent read and an
 * in-memory HMAC; status is judged in code (TTL deletion can be two days late) and reported
 * only to whoever proved they hold the secret.
 */
export class Authenticator {
  private readonly store: KeyStore;
  private readonly hasher: SecretHasher;
  private readonly tokens: TokenService;
  private readonly settings: AuthenticatorSettings;

  constructor(store: KeyStore, hasher: SecretHasher, tokens: TokenService, settings: AuthenticatorSettings) {
    this.store = store;
    this.hasher = hasher;
    this.tokens = tokens;
    this.settings = settings;
  }

  /** Splits a full key, or refuses it without I/O when it is malformed or fails its checksum. */
  parseApiKey(apiKey: string): ApiKeyParts {
    const parts = parseApiKey(this.settings.keyPrefix, apiKey);
    if (!parts) throw invalidApiKey();
    return parts;
  }

  /** Accepts a Key ID and Key Secret pair, or a full key given as the secret. */
  partsFromPair(keyId: string, keySecret: string): ApiKeyParts {
    if (keySecret.startsWith(`${this.settings.keyPrefix}_`)) {
      const parts = this.parseApiKey(keySecret);
      if (parts.keyId !== keyId) throw invalidApiKey();
      return parts;
    }
    if (!keyIdPattern.test(keyId) || !secretPattern.test(keySecret)) throw invalidApiKey();
    return { keyId, secret: keySecret };
  }

  /**
   * Checks a key's secret and status. Failures of an existing key are audited; with
   * `onlyTenant`, a key of another tenant is treated as unknown and leaves no trace there.
   */
  async checkKey(parts: ApiKeyParts, context: { sourceIp: string | null; now: Date; onlyTenant?: string }): Promise<KeyRecord> {
    const { now } = context;
    const key = await this.store.getKey(parts.keyId);
    if (!key || (context.onlyTenant !== undefined && key.tenant !== context.onlyTenant)) throw invalidApiKey();
    const current = this.hasher.matches(key.keyId, parts.secret, key.secretHash);
    const previous =
      !current &&
      key.previousSecretHash !== undefined &&
      key.previousSecretValidUntil !== undefined &&
      Date.parse(key.previousSecretValidUntil) > now.getTime() &&
      this.hasher.matches(key.keyId, parts.secret, key.previousSecretHash);
    const status = effectiveStatus(key, now);
    if (!current && !previous) {
      await this.auditFailure(key, 'wrong_secret', context.sourceIp, now);
      throw invalidApiKey();
    }
    if (status !== 'active') {
      await this.auditFailure(key, status, context.sourceIp, now);
      throw statusErrors[status]();
    }
    await this.recordUse(key, now);
    return key;
  }

  private async auditFailure(key: KeyRecord, reason: string, sourceIp: string | null, now: Date): Promise<void> {
    const event = auditEvent(
      { tenant: key.tenant, action: 'authentication.failure', keyId: key.keyId, actor: key.keyId, sourceIp, outcome: 'failure', details: { reason } },
      now,
      this.settings.auditRetentionDays,
    );
    await this.store.write([{ kind: 'audit', event }]);
  }

  /** Writes `lastUsedAt` at most once per interval per key, never on every call. */
  private async recordUse(key: KeyRecord, now: Date): Promise<void> {
    const since = new Date(now.getTime() - this.settings.lastUsedIntervalSeconds * 1000).toISOString();
    if (key.lastUsedAt !== undefined && key.lastUsedAt >= since) return;
    key.lastUsedAt = now.toISOString();
    await this.store.touchLastUsed(key.keyId, key.lastUsedAt, since);
  }

  /** The caller behind a request's `x-api-key` or `Authorization: Bearer` header. */
  async callerFrom(headers: Record<string, string | undefined>, sourceIp: string | null, now: Date): Promise<Caller> {
    const apiKey = headers['x-api-key'];
    const authorization = headers.authorization;
    if (apiKey !== undefined && apiKey !== '') {
      const key = await this.checkKey(this.parseApiKey(apiKey.trim()), { sourceIp, now });
      return { key, tenant: key.tenant, tokenExpiresAt: null, sourceIp };
    }
    if (authorization === undefined || authorization === '') {
      throw new KeywardError('auth.missing_credentials', 'This call needs a credential: send Authorization: Bearer <token> from POST /v1/authentication, or x-api-key: <your API key>.');
    }
    const [scheme, token, extra] = authorization.trim().split(/\s+/);
    if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) {
      throw new KeywardError('auth.missing_credentials', 'The Authorization header must be "Bearer <token>"; to send an API key instead, use the x-api-key header.');
    }
    const { key, expiresAt } = await this.checkToken(token, { now });
    return { key, tenant: key.tenant, tokenExpiresAt: expiresAt, sourceIp };
  }

  /**
   * Verifies a token and checks its key live: a token of a key revoked or disabled a moment
   * ago is refused. With `onlyTenant`, a token of another tenant is treated as invalid.
   */
  async checkToken(token: string, context: { now: Date; onlyTenant?: string }): Promise<{ key: KeyRecord; expiresAt: string }> {
    const claims = await this.tokens.verify(token);
    const sameTenant = context.onlyTenant === undefined || claims.tenant === context.onlyTenant;
    const key = sameTenant ? await this.store.getKey(claims.keyId) : undefined;
    if (!key || key.tenant !== claims.tenant) {
      throw new KeywardError('auth.invalid_token', 'The key this token was issued to no longer exists: authenticate with a current API key.');
    }
    const status = effectiveStatus(key, context.now);
    if (status !== 'active') throw statusErrors[status]();
    await this.recordUse(key, context.now);
    return { key, expiresAt: claims.expiresAt };
  }
}
