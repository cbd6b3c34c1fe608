import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { KeywardError } from '../errors.ts';
import { membershipsOf } from '../domain/identity.ts';
import { grantedScopes, narrowGrant, roleGrant, type Grant } from '../domain/permissions.ts';
import { metricNames } from '../limits.ts';
import { metrics } from '../observability.ts';
import type { PersonRecord, Store } from '../ports.ts';
import { auditEvent, authenticationFailureEvent } from './audit.ts';
import { personActor } from './authenticator.ts';
import { IdentityRefusal, type IdentityTrust } from './identity-trust.ts';
import type { TenantPolicies } from './tenant-policy.ts';
import type { TokenService } from './token-service.ts';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const SUBJECT_TOKEN_TYPES = [
  'urn:ietf:params:oauth:token-type:id_token',
  ACCESS_TOKEN_TYPE,
  'urn:ietf:params:oauth:token-type:jwt',
] as const;

/** People's tokens never outlive an hour, whatever the tenant policy says. */
const MAX_PERSON_TOKEN_SECONDS = 3600;

export interface TokenExchangeRequest {
  subjectToken: string | undefined;
  subjectTokenType: string | undefined;
  requestedTokenType: string | undefined;
  scopes: readonly string[] | undefined;
  tenant: string | undefined;
}

const invalidRequest = (message: string) => new KeywardError('request.invalid', message, { oauthError: 'invalid_request' });
const invalidTarget = (message: string) => new KeywardError('request.invalid', message, { oauthError: 'invalid_target' });

/**
 * Trades a person's identity provider token for a Keyward token (RFC 8693): verified against
 * the issuer's keys, mapped to a tenant and role by the person's groups, narrowed to the
 * scopes asked for, and lasting the tenant's `personTokenSeconds`. The sign-in is audited as
 * `person.sign_in`; a refused one as `authentication.failure` with the issuer and reason,
 * counted per source address and minute like any other refused credential.
 */
export class PersonSignIn {
  private readonly deps: {
    store: Pick<Store, 'people' | 'tenants' | 'changes' | 'audit'>;
    identity: IdentityTrust;
    tokens: TokenService;
    policies: TenantPolicies;
    auditRetentionDays: number;
    /** A person's record (`lastSeenAt`) is rewritten at most this often by one function instance, as keys' `lastUsedAt` is. */
    lastSeenIntervalSeconds: number;
  };
  /** When this instance last wrote each person's record, and what it wrote. */
  private readonly recorded = new Map<string, { at: number; as: string }>();

  constructor(deps: PersonSignIn['deps']) {
    this.deps = deps;
  }

  async exchange(
    request: TokenExchangeRequest,
    context: { sourceIp: string | null; now: Date },
  ): Promise<{ token: string; expiresIn: number; grant: Grant; tenant: string }> {
    if (request.subjectToken === undefined || request.subjectToken === '') {
      throw invalidRequest('Send subject_token: the ID token (or access token) your identity provider issued.');
    }
    if (!(SUBJECT_TOKEN_TYPES as readonly string[]).includes(request.subjectTokenType ?? '')) {
      throw invalidRequest(`Send subject_token_type: one of ${SUBJECT_TOKEN_TYPES.join(', ')}.`);
    }
    if (request.requestedTokenType !== undefined && request.requestedTokenType !== ACCESS_TOKEN_TYPE) {
      throw invalidRequest(`The only requested_token_type Keyward issues is ${ACCESS_TOKEN_TYPE}: leave it out or send that.`);
    }
    const { identity, store, tokens, policies } = this.deps;
    const { now, sourceIp } = context;
    const person = await identity.verify(request.subjectToken, now).catch(async (error: unknown) => {
      if (error instanceof IdentityRefusal) await this.auditRefusal(error.reason, error.issuer, sourceIp, now);
      throw error;
    });
    const memberships = membershipsOf(person.provider, person.groups);
    if (memberships.length === 0) {
      await this.auditRefusal('no_mapped_group', person.provider.issuer, sourceIp, now);
      throw invalidRequest(
        "Your identity provider's groups give you no Keyward tenant: ask an admin to add you to one of its Keyward groups.",
      );
    }
    const membership =
      request.tenant === undefined
        ? memberships.length === 1
          ? memberships[0]
          : undefined
        : memberships.find((m) => m.tenant === request.tenant);
    if (!membership) {
      if (request.tenant !== undefined)
        throw invalidTarget('None of your groups gives you that tenant: send one you belong to, or leave tenant out.');
      throw invalidRequest(`Your groups give you several tenants: send tenant, one of ${memberships.map((m) => m.tenant).join(', ')}.`);
    }
    const { tenant, role } = membership;
    if (!(await policies.exists(tenant))) {
      throw invalidTarget('Your group names a tenant that does not exist yet: ask an operator to bootstrap it first.');
    }
    const full = roleGrant(role, membership.scopes, person.personId);
    const grant = request.scopes === undefined ? full : narrowGrant(full, request.scopes);
    const policy = await policies.get(tenant);
    const expiresIn = Math.min(policy.personTokenSeconds, MAX_PERSON_TOKEN_SECONDS);
    const claims = { id: person.personId, role, email: person.email, name: person.name };
    const event = auditEvent(
      {
        tenant,
        action: 'person.sign_in',
        keyId: null,
        actor: personActor(claims),
        sourceIp,
        details: {
          issuer: person.provider.issuer,
          provider: person.provider.id,
          role,
          clientId: person.clientId,
          scopes: grantedScopes(grant),
        },
      },
      now,
      this.deps.auditRetentionDays,
    );
    const seen = { tenant, id: person.personId, issuer: person.provider.issuer, email: person.email, name: person.name, role };
    // The audit write runs while the person's record is written (when due) and the token signed:
    // a warm exchange costs about one write, as a key's authenticate costs one read.
    const writing = store.changes.write([{ kind: 'audit', event }]);
    writing.catch(() => {});
    const record = await this.recordSeen(seen, now);
    // Tokens are dated to the second: one issued in the second of a sign-out this exchange saw
    // must still come after it. (One that it did not see, made elsewhere in the same second,
    // refuses the new token once: the person signs in again, never the other way round.)
    const signedOut = record?.signedOutAt ? Date.parse(record.signedOutAt) : 0;
    const issuedAt = signedOut >= Math.floor(now.getTime() / 1000) * 1000 ? new Date(signedOut + 1000) : now;
    const { token } = await tokens.issueForPerson({ ...claims, tenant, clientId: person.clientId }, grant, expiresIn, issuedAt);
    await writing;
    metrics.addMetric(metricNames.authenticationSuccess, MetricUnit.Count, 1);
    return { token, expiresIn, grant, tenant };
  }

  /**
   * Writes the person's record (`lastSeenAt`, their role and names) unless this instance wrote
   * the same within the interval, as keys' `lastUsedAt` is; answers it when written.
   */
  private async recordSeen(person: Omit<PersonRecord, 'firstSeenAt' | 'lastSeenAt' | 'signedOutAt'>, now: Date) {
    const key = `${person.tenant}#${person.id}`;
    const as = JSON.stringify(person);
    const last = this.recorded.get(key);
    if (last && last.as === as && now.getTime() - last.at < this.deps.lastSeenIntervalSeconds * 1000) return undefined;
    const record = await this.deps.store.people.recordSignIn(person, now.toISOString());
    this.recorded.set(key, { at: now.getTime(), as });
    return record;
  }

  /** A refused exchange belongs to no tenant yet: it is counted per source address, like a guessed key id. */
  private async auditRefusal(reason: string, issuer: string | undefined, sourceIp: string | null, now: Date): Promise<void> {
    metrics.addMetric(metricNames.authenticationFailure, MetricUnit.Count, 1);
    const { event, windowStart } = authenticationFailureEvent({ tenant: '-', keyId: '-', sourceIp, reason: `person_${reason}` }, now, 1);
    event.details = { ...event.details, issuer: issuer ?? null };
    await this.deps.store.audit.countUnknownKeyAttempt(event, windowStart);
  }
}
