import { createPrivateKey, createPublicKey, generateKeyPair, randomUUID, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import { KeywardError } from '../errors.ts';
import type { Cipher, KeyRecord, SealContext, SettingsStore } from '../ports.ts';
import { WriteConflict } from '../ports.ts';
import { grantedScopes, type Grant } from '../domain/permissions.ts';
import { roles, type Role } from '../domain/identity.ts';
import { currentSecretVersion } from '../domain/secret-version.ts';
import { isCanonicalCompactJwt, tokenTimesProblem } from './token-rules.ts';
import { logger } from '../observability.ts';

const SIGNING_KEYS_SETTING = 'signing-keys';
const ALGORITHM = 'RS256';
/** An unknown `kid` re-reads the keys at most this often, so forged tokens cannot make every request read the store. */
const FORCED_REFRESH_MIN_MS = 30_000;
const TOKEN_TYPE = 'at+jwt';

interface StoredSigningKey {
  kid: string;
  createdAt: string;
  /** A new key is published in the JWKS this long before it signs, so every verifier's cache has it first. */
  activatesAt: string;
  publicJwk: JWK;
  sealedPrivateKey: string;
}

/** Newest first: perhaps a pending key, then the signing key, then the previous one (still verifying). */
interface SigningKeys {
  keys: StoredSigningKey[];
}

const activeAt = (keys: StoredSigningKey[], now: number) => keys.find((key) => Date.parse(key.activatesAt) <= now);

const invalidToken = () =>
  new KeywardError(
    'auth.invalid_token',
    'The bearer token is not a valid Keyward token: send a token from POST /v1/authentication, or your API key in x-api-key.',
  );

const sealContext = (kid: string): SealContext => ({ tenant: '*', keyId: kid, purpose: 'signing-key' });

/** What a person's token says of them: who they are, and the role their groups gave them. */
export interface PersonClaims {
  id: string;
  role: Role;
  email: string | null;
  name: string | null;
}

export interface TokenClaims {
  /** The key the token was issued to; for a person's token, undefined. */
  keyId: string | undefined;
  /** The person the token was issued to; for a key's token, undefined. */
  person: PersonClaims | undefined;
  tenant: string;
  issuedAt: string;
  expiresAt: string;
  /** The version of the key's secret the token was minted from (absent in tokens of older releases). */
  secretVersion: number | undefined;
  /** What the token was granted: all of its key's scopes, or the subset it asked for. */
  scopes: string[];
}

export interface TokenSettings {
  issuer: string;
  audience: string;
  refreshSeconds: number;
}

/**
 * Issues and verifies RFC 9068 access tokens. Signing keys are read from the store and the
 * current private key opened once, then refreshed every few minutes, so a warm function
 * signs with no store or KMS call and picks up a rotation soon after it happens.
 */
export class TokenService {
  private readonly settingsStore: SettingsStore;
  private readonly cipher: Cipher;
  private readonly settings: TokenSettings;
  private loaded: { at: number; keys: StoredSigningKey[]; publicKeys: Map<string, KeyObject>; signing: StoredSigningKey } | undefined;
  /** The opened private key of the signing key, and its encoded JWS header, kept while that key signs. */
  private privateKey: { kid: string; key: KeyObject; header: string } | undefined;

  constructor(settingsStore: SettingsStore, cipher: Cipher, settings: TokenSettings) {
    this.settingsStore = settingsStore;
    this.cipher = cipher;
    this.settings = settings;
  }

  private async signingKeys(force = false) {
    const now = Date.now();
    const fresh = force ? FORCED_REFRESH_MIN_MS : this.settings.refreshSeconds * 1000;
    if (this.loaded && now - this.loaded.at < fresh) return this.loaded;
    let setting: (Awaited<ReturnType<SettingsStore['get']>> & { value: SigningKeys }) | undefined;
    try {
      setting = await this.settingsStore.get<SigningKeys>(SIGNING_KEYS_SETTING);
    } catch (error) {
      // The store is not answering: a periodic refresh keeps the keys last read (a rotation is
      // published a day before it signs) and tries the store again in 30 s; an unknown kid fails.
      if (!this.loaded || force) throw error;
      logger.warn('signing keys refresh failed; serving the keys last read', {
        cause: (error as Error).name,
        readAt: new Date(this.loaded.at).toISOString(),
      });
      this.loaded = { ...this.loaded, at: now - Math.max(0, this.settings.refreshSeconds * 1000 - FORCED_REFRESH_MIN_MS) };
      return this.loaded;
    }
    const current = setting && activeAt(setting.value.keys, now);
    if (!setting || !current) {
      throw new KeywardError('service.not_initialised', 'Keyward has no signing key yet: bootstrap a tenant first.');
    }
    const publicKeys = new Map(setting.value.keys.map((key) => [key.kid, createPublicKey({ key: key.publicJwk as never, format: 'jwk' })]));
    this.loaded = { at: now, keys: setting.value.keys, publicKeys, signing: current };
    return this.loaded;
  }

  /** The private key that signs now, opened by the cipher once per key: verifying and the JWKS never open it. */
  private async signingKey(): Promise<{ kid: string; key: KeyObject; header: string }> {
    const { signing } = await this.signingKeys();
    if (this.privateKey?.kid !== signing.kid) {
      const pem = Buffer.from(await this.cipher.open(signing.sealedPrivateKey, sealContext(signing.kid))).toString('utf8');
      const header = Buffer.from(JSON.stringify({ alg: ALGORITHM, typ: TOKEN_TYPE, kid: signing.kid })).toString('base64url');
      this.privateKey = { kid: signing.kid, key: createPrivateKey(pem), header };
    }
    return this.privateKey;
  }

  /**
   * Signs a token for `key`, bound to the version of the secret that was presented (by
   * default the current one) and carrying `grant` (by default everything the key holds).
   */
  async issue(
    key: KeyRecord,
    expiresInSeconds: number,
    now: Date,
    options: { secretVersion?: number; grant?: Grant } = {},
  ): Promise<{ token: string; expiresAt: string }> {
    return this.sign(
      {
        sub: key.keyId,
        client_id: key.keyId,
        tenant: key.tenant,
        scope: grantedScopes(options.grant ?? key).join(' '),
        principal: 'key',
        key_type: key.type,
        secret_version: options.secretVersion ?? currentSecretVersion(key),
        ...(key.ownerId !== undefined ? { owner_id: key.ownerId } : {}),
      },
      expiresInSeconds,
      now,
    );
  }

  /**
   * Signs a token for a person signed in through an identity provider: `sub` is their id,
   * `client_id` the client they signed in with, `role` and `scope` what their groups give them.
   */
  async issueForPerson(
    person: PersonClaims & { tenant: string; clientId: string },
    grant: Grant,
    expiresInSeconds: number,
    now: Date,
  ): Promise<{ token: string; expiresAt: string }> {
    return this.sign(
      {
        sub: person.id,
        client_id: person.clientId,
        tenant: person.tenant,
        scope: grantedScopes(grant).join(' '),
        principal: 'person',
        role: person.role,
        ...(person.email !== null ? { email: person.email } : {}),
        ...(person.name !== null ? { name: person.name } : {}),
      },
      expiresInSeconds,
      now,
    );
  }

  private async sign(claims: Record<string, unknown>, expiresInSeconds: number, now: Date): Promise<{ token: string; expiresAt: string }> {
    const { key: privateKey, header } = await this.signingKey();
    const issuedAt = Math.floor(now.getTime() / 1000);
    const exp = issuedAt + expiresInSeconds;
    const payload = { iss: this.settings.issuer, aud: this.settings.audience, iat: issuedAt, exp, jti: randomUUID(), ...claims };
    const signingInput = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    // RS256 is RSASSA-PKCS1-v1_5 with SHA-256, the default padding of an RSA key: signed here,
    // on this thread, rather than handed to a worker thread and back as WebCrypto does.
    const token = `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /**
   * Judges a token: the signature (RS256 only, canonical encoding), `typ`, `iss`, `aud`,
   * `exp`, `iat` not in the future and a lifetime of at most an hour.
   */
  async judge(token: string, now = new Date()): Promise<{ ok: true; value: TokenClaims } | { ok: false; refusal: KeywardError }> {
    if (!isCanonicalCompactJwt(token)) return { ok: false, refusal: invalidToken() };
    const { publicKeys } = await this.signingKeys();
    try {
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = publicKeys.get(header.kid ?? '') ?? (await this.signingKeys(true)).publicKeys.get(header.kid ?? '');
          if (!key) throw new joseErrors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: [ALGORITHM],
          typ: TOKEN_TYPE,
          issuer: this.settings.issuer,
          audience: this.settings.audience,
          requiredClaims: ['exp', 'iat', 'sub', 'tenant'],
          currentDate: now,
        },
      );
      if (typeof payload.sub !== 'string' || typeof payload.tenant !== 'string' || tokenTimesProblem(payload, now) !== undefined) {
        return { ok: false, refusal: invalidToken() };
      }
      // Tokens of earlier releases carry no `principal`: they were all keys' tokens.
      const isPerson = payload.principal === 'person';
      if (isPerson && !roles.includes(payload.role as Role)) return { ok: false, refusal: invalidToken() };
      const text = (value: unknown) => (typeof value === 'string' ? value : null);
      return {
        ok: true,
        value: {
          keyId: isPerson ? undefined : payload.sub,
          person: isPerson
            ? { id: payload.sub, role: payload.role as Role, email: text(payload.email), name: text(payload.name) }
            : undefined,
          tenant: payload.tenant,
          issuedAt: new Date((payload.iat as number) * 1000).toISOString(),
          expiresAt: new Date((payload.exp as number) * 1000).toISOString(),
          secretVersion: typeof payload.secret_version === 'number' ? payload.secret_version : undefined,
          scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
        },
      };
    } catch (error) {
      // jose's own verdicts; anything else (the store failing) is not the token's fault.
      if (error instanceof joseErrors.JWTExpired) {
        return {
          ok: false,
          refusal: new KeywardError('auth.token_expired', 'The token has expired: authenticate again with your API key to get a new one.'),
        };
      }
      if (error instanceof joseErrors.JOSEError) return { ok: false, refusal: invalidToken() };
      throw error;
    }
  }

  /** `judge`, throwing the refusal. */
  async verify(token: string, now = new Date()): Promise<TokenClaims> {
    const verdict = await this.judge(token, now);
    if (!verdict.ok) throw verdict.refusal;
    return verdict.value;
  }

  /** The public halves of the pending, current and previous signing keys. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const { keys } = await this.signingKeys();
    return { keys: keys.map((key) => key.publicJwk) };
  }
}

async function newSigningKey(cipher: Cipher, activatesAt: Date, now: Date): Promise<StoredSigningKey> {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e } as JWK);
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return {
    kid,
    createdAt: now.toISOString(),
    activatesAt: activatesAt.toISOString(),
    publicJwk: { kty: 'RSA', n: jwk.n, e: jwk.e, kid, alg: ALGORITHM, use: 'sig' },
    sealedPrivateKey: await cipher.seal(Buffer.from(pem), sealContext(kid)),
  };
}

/**
 * Adds a new signing key that starts signing after `activationSeconds` (published in the
 * JWKS meanwhile) and keeps the key signing now as the previous one; older keys, and a
 * pending key not yet active, are dropped. Rotate less often than activation plus the
 * longest token lifetime (1 hour). Returns the new key id, or undefined when another
 * rotation won the race.
 */
export async function rotateSigningKey(
  store: SettingsStore,
  cipher: Cipher,
  now: Date,
  activationSeconds: number,
): Promise<string | undefined> {
  const setting = await store.get<SigningKeys>(SIGNING_KEYS_SETTING);
  const current = setting && activeAt(setting.value.keys, now.getTime());
  const fresh = await newSigningKey(cipher, new Date(now.getTime() + activationSeconds * 1000), now);
  const keys = current ? [fresh, current] : [fresh];
  try {
    await store.put<SigningKeys>(SIGNING_KEYS_SETTING, { keys }, setting?.version ?? 0);
    return fresh.kid;
  } catch (error) {
    if (error instanceof WriteConflict) return undefined;
    throw error;
  }
}

/** Creates the first signing key of a deployment, active at once, unless one exists. */
export async function provisionSigningKey(store: SettingsStore, cipher: Cipher, now: Date): Promise<void> {
  if (!(await store.get(SIGNING_KEYS_SETTING))) await rotateSigningKey(store, cipher, now, 0);
}
