import type { Config } from '../config.ts';
import { KeywardError } from '../errors.ts';
import type { Cipher, Store } from '../ports.ts';
import { WriteConflict } from '../ports.ts';
import { loadSecretHasher, provisionPepper } from './secret-hasher.ts';
import { provisionSigningKey } from './token-service.ts';
import { auditEvent, serviceActor } from './audit.ts';
import { newKey } from './key-issuing.ts';
import { tenantPattern } from '../domain/tenant.ts';

export interface BootstrapResult {
  tenant: string;
  keyId: string;
  apiKey: string;
}

/**
 * Creates a tenant and its protected system key, provisioning the deployment's pepper and
 * first signing key if this is the first tenant. Whoever can write the table and use the
 * cipher (IAM in AWS, the local machine's user otherwise) is the root of trust.
 */
export async function bootstrapTenant(
  deps: { store: Store; cipher: Cipher; config: Pick<Config, 'keyPrefix' | 'auditRetentionDays'> },
  tenant: string,
  now: Date,
): Promise<BootstrapResult> {
  if (!tenantPattern.test(tenant)) {
    throw new KeywardError(
      'request.invalid',
      `Tenant ids are 2-63 lowercase letters, digits or dashes, starting with a letter or digit; '${tenant}' is not one.`,
    );
  }
  const { store, cipher } = deps;
  await provisionPepper(store.settings, cipher);
  await provisionSigningKey(store.settings, cipher, now);
  const hasher = await loadSecretHasher(store.settings, cipher);
  const { key, issued } = await newKey(
    { hasher, cipher, keyPrefix: deps.config.keyPrefix },
    {
      tenant,
      name: 'System key',
      description: 'Created by bootstrap. Protected: it cannot be deleted, disabled or revoked.',
      type: 'system',
      scopes: [],
      recoverable: false,
      createdBy: 'bootstrap',
    },
    now,
  );
  try {
    await store.changes.write([
      { kind: 'createTenant', tenant: { tenant, systemKeyId: key.keyId, createdAt: key.createdAt } },
      { kind: 'createKey', key },
      {
        kind: 'audit',
        event: auditEvent(
          { tenant, action: 'tenant.bootstrap', keyId: key.keyId, actor: serviceActor('bootstrap') },
          now,
          deps.config.auditRetentionDays,
        ),
      },
    ]);
  } catch (error) {
    if (error instanceof WriteConflict && error.kind === 'createTenant') {
      throw new KeywardError(
        'tenant.exists',
        `Tenant '${tenant}' already exists; its system key was printed when it was bootstrapped, and a second bootstrap is refused so nobody can take a tenant over.`,
      );
    }
    throw error;
  }
  return { tenant, keyId: key.keyId, apiKey: issued.apiKey };
}
