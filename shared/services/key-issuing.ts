import type { Cipher, KeyMeta, KeyRecord } from '../ports.ts';
import type { Credits, RateLimit } from '../domain/usage-controls.ts';
import { formatApiKey, generateKeyId, generateSecret, previewTail } from '../domain/api-key.ts';
import type { KeyType } from '../domain/permissions.ts';
import type { SecretHasher } from './secret-hasher.ts';

/** A fresh secret for `keyId`: the full key (shown once), its keyed hash, and a sealed copy for recoverable keys. */
export interface IssuedSecret {
  secret: string;
  apiKey: string;
  secretHash: string;
  previewTail: string;
  sealedApiKey: string | undefined;
}

export async function issueSecret(
  deps: { hasher: SecretHasher; cipher: Cipher; keyPrefix: string },
  key: { keyId: string; tenant: string; recoverable: boolean },
): Promise<IssuedSecret> {
  const secret = generateSecret();
  const apiKey = formatApiKey(deps.keyPrefix, { keyId: key.keyId, secret });
  return {
    secret,
    apiKey,
    secretHash: deps.hasher.hash(key.keyId, secret),
    previewTail: previewTail(apiKey),
    sealedApiKey: key.recoverable
      ? await deps.cipher.seal(Buffer.from(apiKey), { tenant: key.tenant, keyId: key.keyId, purpose: 'recoverable-key' })
      : undefined,
  };
}

export interface NewKey {
  tenant: string;
  name: string;
  description: string;
  type: KeyType;
  scopes: string[];
  recoverable: boolean;
  createdBy: string;
  expiresAt?: string | undefined;
  purgeAt?: string | undefined;
  ownerId?: string | undefined;
  meta?: KeyMeta | undefined;
  rateLimit?: RateLimit | undefined;
  credits?: Credits | undefined;
  creditsPeriod?: string | undefined;
  allowedIps?: string[] | undefined;
}

/** A new key, active, at version 1, with a new id and its first secret: how every key comes to be. */
export async function newKey(
  deps: { hasher: SecretHasher; cipher: Cipher; keyPrefix: string },
  fields: NewKey,
  now: Date,
): Promise<{ key: KeyRecord; issued: IssuedSecret }> {
  const keyId = generateKeyId();
  const issued = await issueSecret(deps, { keyId, tenant: fields.tenant, recoverable: fields.recoverable });
  const createdAt = now.toISOString();
  const key: KeyRecord = {
    keyId,
    ...fields,
    status: 'active',
    secretHash: issued.secretHash,
    sealedApiKey: issued.sealedApiKey,
    previewTail: issued.previewTail,
    createdAt,
    updatedAt: createdAt,
    version: 1,
  };
  return { key, issued };
}
