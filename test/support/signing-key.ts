import { createPrivateKey, type KeyObject } from 'node:crypto';
import { getAdapters } from '#shared/runtime.ts';

/** The deployment's current signing key, opened as the token service would: lets tests sign tokens the service trusts. */
export async function serviceSigningKey(): Promise<{ kid: string; privateKey: KeyObject }> {
  const { store, cipher } = getAdapters();
  const setting = await store.settings.get<{ keys: { kid: string; sealedPrivateKey: string }[] }>('signing-keys');
  const current = setting?.value.keys[0];
  if (!current) throw new Error('no signing key: bootstrap a tenant first');
  const pem = Buffer.from(
    await cipher.open(current.sealedPrivateKey, { tenant: '*', keyId: current.kid, purpose: 'signing-key' }),
  ).toString('utf8');
  return { kid: current.kid, privateKey: createPrivateKey(pem) };
}
