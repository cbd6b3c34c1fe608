import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { KeywardError } from '../errors.ts';
import type { IdentityProvider } from '../domain/identity.ts';
import { logger } from '../observability.ts';

/** The only algorithms a subject token may be signed with: asymmetric ones, so no shared secret can forge one. */
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** An issuer's keys are trusted this long before they are fetched again... */
export const JWKS_FRESH_MS = 10 * 60_000;
/** ...an unknown `kid` refetches them at most this often... */
export const JWKS_REFETCH_MIN_MS = 60_000;
/** ...and while the issuer cannot be reached, the keys last fetched keep working this long. */
const JWKS_STALE_IF_ERROR_MS = 24 * 3600_000;
/** Discovery and keys each get this long: both together answer well within 10 s. */
const FETCH_TIMEOUT_MS = 4000;
const CLOCK_SKEW_SECONDS = 60;

/** Who a verified subject token says the person is. */
export interface VerifiedIdentity {
  provider: IdentityProvider;
  /** `<provider id>:<sub>`. */
  personId: string;
  email: string | null;
  name: string | null;
  groups: string[];
  /** The client the person signed in with: `azp`, or the token's only audience, or `client_id`. */
  clientId: string;
}

/** Why a subject token was refused, for the audit log: a fixed word, never a claim. */
export type IdentityRefusalReason =
  | 'malformed'
  | 'algorithm_not_allowed'
  | 'untrusted_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'unknown_signing_key'
  | 'bad_signature'
  | 'missing_claims';

export class IdentityRefusal extends KeywardError {
  readonly reason: IdentityRefusalReason;
  /** The trusted issuer the token named, when it named one. */
  readonly issuer: string | undefined;

  constructor(reason: IdentityRefusalReason, message: string, issuer?: string) {
    // RFC 8693 2.2.2: a subject token that is not acceptable is an invalid request.
    super('request.invalid', message, { oauthError: 'invalid_request' });
    this.reason = reason;
    this.issuer = issuer;
  }
}

const refusal = (reason: IdentityRefusalReason, issuer?: string) => new IdentityRefusal(reason, messages[reason], issuer);

/** What to fix, never what the token said. */
const messages: Record<IdentityRefusalReason, string> = {
  malformed: 'The subject_token is not a signed JWT: send the ID token (or access token) your identity provider issued.',
  algorithm_not_allowed: 'The subject_token must be signed with an asymmetric algorithm its issuer advertises (RS*, PS*, ES*, EdDSA).',
  untrusted_issuer:
    'The subject_token comes from an issuer this deployment does not trust: sign in through one of GET /v1/sign-in/providers.',
  wrong_audience: 'The subject_token was issued for another client: sign in with the client ids of GET /v1/sign-in/providers.',
  expired: 'The subject_token has expired: sign in to your identity provider again.',
  not_yet_valid: 'The subject_token is not valid yet: check the clock of the machine that asked for it.',
  unknown_signing_key: 'The subject_token is signed with a key its issuer does not publish: sign in again.',
  bad_signature: 'The subject_token signature does not verify: send the token exactly as your identity provider issued it.',
  missing_claims: 'The subject_token lacks sub, iat or exp: send an ID token (or access token) with them.',
};

const issuerUnreachable = () =>
  new KeywardError(
    'service.unavailable',
    "The identity provider's signing keys cannot be fetched right now: retry in a minute, or ask your operator to check the issuer.",
    { headers: { 'retry-after': '60' } },
  );

interface IssuerKeys {
  algorithms: string[];
  keys: ReturnType<typeof createLocalJWKSet>;
  kids: Set<string>;
  fetchedAt: number;
}

/**
 * Verifies subject tokens of the identity providers this deployment trusts, with jose,
 * against each issuer's published keys (found through its discovery document). The keys are
 * cached: fetched when first needed, again after `JWKS_FRESH_MS`, on an unknown `kid` at most
 * once per `JWKS_REFETCH_MIN_MS`, and never per request; while the issuer cannot be reached,
 * the keys fetched last keep verifying.
 */
export class IdentityTrust {
  private readonly providers: readonly IdentityProvider[];
  private readonly fetch: typeof globalThis.fetch;
  private readonly clock: () => number;
  private readonly cache = new Map<string, IssuerKeys>();
  private readonly pending = new Map<string, Promise<IssuerKeys>>();
  /** Fetches made, for the bench and tests: a warm exchange makes none. */
  fetches = 0;

  constructor(providers: readonly IdentityProvider[], options: { fetch?: typeof globalThis.fetch; clock?: () => number } = {}) {
    this.providers = providers;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? Date.now;
  }

  list(): readonly IdentityProvider[] {
    return this.providers;
  }

  async verify(subjectToken: string, now: Date): Promise<VerifiedIdentity> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(subjectToken);
      claims = decodeJwt(subjectToken);
    } catch {
      throw refusal('malformed');
    }
    if (subjectToken.split('.').length !== 3) throw refusal('malformed');
    if (typeof header.alg !== 'string' || !ASYMMETRIC_ALGORITHMS.includes(header.alg)) throw refusal('algorithm_not_allowed');
    // The issuer is matched exactly, before any key is fetched: an untrusted issuer costs no request.
    const provider = this.providers.find((p) => p.issuer === claims.iss);
    if (!provider) throw refusal('untrusted_issuer');
    let keys = await this.keysOf(provider, false);
    if (!keys.algorithms.includes(header.alg)) throw refusal('algorithm_not_allowed', provider.issuer);
    if (typeof header.kid === 'string' && !keys.kids.has(header.kid) && this.clock() - keys.fetchedAt >= JWKS_REFETCH_MIN_MS) {
      keys = await this.keysOf(provider, true);
    }
    const payload = await this.verified(subjectToken, provider, keys, now);
    return identityOf(provider, payload);
  }

  private async verified(token: string, provider: IdentityProvider, keys: IssuerKeys, now: Date): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, keys.keys, {
        issuer: provider.issuer,
        algorithms: keys.algorithms,
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: now,
        requiredClaims: ['sub', 'iat', 'exp'],
        ...(provider.audienceClaim === 'aud' ? { audience: provider.audiences } : {}),
      });
      if (provider.audienceClaim === 'client_id' && !provider.audiences.includes(payload.client_id as string)) {
        throw refusal('wrong_audience', provider.issuer);
      }
      // jose lets a token without `iat` in the future through its tolerance; Keyward refuses one issued ahead of the clock.
      if (typeof payload.iat !== 'number' || payload.iat > now.getTime() / 1000 + CLOCK_SKEW_SECONDS) {
        throw refusal('not_yet_valid', provider.issuer);
      }
      return payload;
    } catch (error) {
      if (error instanceof IdentityRefusal) throw error;
      throw refusal(reasonOf(error), provider.issuer);
    }
  }

  /** The issuer's keys from the cache, or fetched (one fetch at a time per issuer). */
  private async keysOf(provider: IdentityProvider, force: boolean): Promise<IssuerKeys> {
    const cached = this.cache.get(provider.issuer);
    if (cached && !force && this.clock() - cached.fetchedAt < JWKS_FRESH_MS) return cached;
    let pending = this.pending.get(provider.issuer);
    if (!pending) {
      pending = this.fetchKeys(provider).finally(() => this.pending.delete(provider.issuer));
      this.pending.set(provider.issuer, pending);
    }
    try {
      const keys = await pending;
      this.cache.set(provider.issuer, keys);
      return keys;
    } catch (error) {
      logger.warn('identity provider keys unavailable', {
        provider: provider.id,
        error: error instanceof Error ? error.message : String(error),
      });
      if (cached && this.clock() - cached.fetchedAt < JWKS_STALE_IF_ERROR_MS) {
        // Try again after the refetch interval, not on every request, while the issuer is down.
        cached.fetchedAt = Math.max(cached.fetchedAt, this.clock() - JWKS_FRESH_MS + JWKS_REFETCH_MIN_MS);
        return cached;
      }
      throw issuerUnreachable();
    }
  }

  private async fetchKeys(provider: IdentityProvider): Promise<IssuerKeys> {
    const discovery = await this.getJson(`${provider.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    if (discovery.issuer !== provider.issuer || typeof discovery.jwks_uri !== 'string') {
      throw new Error("the discovery document's issuer or jwks_uri does not match the configured issuer");
    }
    const jwks = (await this.getJson(discovery.jwks_uri)) as unknown as JSONWebKeySet;
    if (!Array.isArray(jwks.keys)) throw new Error('the JWKS has no keys');
    const advertised = Array.isArray(discovery.id_token_signing_alg_values_supported)
      ? (discovery.id_token_signing_alg_values_supported as string[])
      : ASYMMETRIC_ALGORITHMS;
    return {
      algorithms: ASYMMETRIC_ALGORITHMS.filter((alg) => advertised.includes(alg)),
      keys: createLocalJWKSet(jwks),
      kids: new Set(jwks.keys.map((key) => key.kid).filter((kid): kid is string => typeof kid === 'string')),
      fetchedAt: this.clock(),
    };
  }

  private async getJson(url: string): Promise<Record<string, unknown>> {
    this.fetches++;
    const response = await this.fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const body = (await response.json()) as unknown;
    if (typeof body !== 'object' || body === null) throw new Error(`${url} is not a JSON object`);
    return body as Record<string, unknown>;
  }
}

function reasonOf(error: unknown): IdentityRefusalReason {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'wrong_audience';
    if (error.claim === 'iss') return 'untrusted_issuer';
    if (error.claim === 'nbf' || error.claim === 'iat') return 'not_yet_valid';
    return 'missing_claims';
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) return 'unknown_signing_key';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm_not_allowed';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature';
  return 'malformed';
}

function identityOf(provider: IdentityProvider, payload: JWTPayload): VerifiedIdentity {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  const claimed = payload[provider.groupsClaim];
  const groups = Array.isArray(claimed)
    ? claimed.filter((g): g is string => typeof g === 'string')
    : typeof claimed === 'string'
      ? [claimed]
      : [];
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  const clientId = text(payload.azp) ?? (audiences.length === 1 ? audiences[0] : undefined) ?? text(payload.client_id) ?? provider.id;
  return {
    provider,
    personId: `${provider.id}:${payload.sub}`,
    email: text(payload.email),
    name: text(payload.name),
    groups,
    clientId,
  };
}
