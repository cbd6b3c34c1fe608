import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { type IdentityProvider, identityProvidersSchema, roles } from '../../shared/domain/identity.ts';
import { tenantPattern } from '../../shared/domain/tenant.ts';
import { cliSignInCallbackUrls } from '../outputs.ts';
import type { CognitoSettings, ExternalIdentityProvider } from '../stages.ts';

/** The groups of a tenant: the Cognito provider's `groupPattern` maps each back to its tenant and role. */
const groupPattern = 'keyward-{tenant}-{role}';
const groupName = (tenant: string, role: string) => groupPattern.replace('{tenant}', tenant).replace('{role}', role);

/** The external issuers of a stage, validated now so that a wrong entry fails synthesis, not every cold start. */
export function trustedProviders(stage: string, providers: readonly ExternalIdentityProvider[]): IdentityProvider[] {
  const parsed = identityProvidersSchema.safeParse(providers);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `identity.providers.${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid identity providers of stage '${stage}' (cdk/stages.ts):\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

export interface CognitoPeopleProps {
  stage: string;
  settings: CognitoSettings;
  /** The console's URL: where the managed login sends it back unless the settings name other URLs. */
  consoleUrl: string;
  /** RETAIN also turns on deletion protection: a stage that keeps its data keeps its people. */
  removalPolicy: RemovalPolicy;
}

/**
 * People in a Cognito user pool: e-mail sign-in with no self sign-up (an admin invites each
 * person), TOTP MFA, a group `keyward-<tenant>-<role>` per listed tenant and role, the managed
 * login, and two public clients (console and CLI) that may only use the authorization code grant.
 * Keyward trusts the pool's ID tokens, verified offline against its published keys: no function
 * calls Cognito per request or holds any Cognito permission.
 */
export class CognitoPeople extends Construct {
  readonly userPool: cognito.UserPool;
  readonly consoleClient: cognito.UserPoolClient;
  readonly cliClient: cognito.UserPoolClient;
  /** Base URL of the managed login (its authorize, token and logout endpoints). */
  readonly managedLoginUrl: string;
  /** This pool as the functions trust it. */
  readonly provider: IdentityProvider;
  readonly mfaRequired: boolean;
  readonly threatProtection: boolean;

  constructor(scope: Construct, id: string, { stage, settings, consoleUrl, removalPolicy }: CognitoPeopleProps) {
    super(scope, id);
    const tenants = validTenants(stage, settings.tenants);
    this.mfaRequired = settings.mfa !== 'optional';
    this.threatProtection = settings.threatProtection ?? true;
    const { threatProtection } = this;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `keyward-${stage}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // A changed e-mail takes effect only once verified, so a person cannot take on another's address.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      mfa: this.mfaRequired ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false, email: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: threatProtection ? cognito.StandardThreatProtectionMode.FULL_FUNCTION : undefined,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });

    for (const tenant of tenants) {
      for (const role of roles) {
        this.userPool.addGroup(`${tenant}-${role}`, {
          groupName: groupName(tenant, role),
          description: `Keyward: ${role} of tenant ${tenant}`,
        });
      }
    }

    const domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: settings.domainPrefix ?? `keyward-${stage}-${Stack.of(this).account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.managedLoginUrl = domain.baseUrl();

    const consoleUrls = [`${consoleUrl}/`];
    this.consoleClient = this.addPublicClient('ConsoleClient', `keyward-${stage}-console`, {
      callbackUrls: [...(settings.callbackUrls ?? consoleUrls)],
      logoutUrls: [...(settings.logoutUrls ?? consoleUrls)],
    });
    // Cognito matches a loopback redirect with its port, unlike RFC 8252: the CLI listens on one fixed port.
    this.cliClient = this.addPublicClient('CliClient', `keyward-${stage}-cli`, { callbackUrls: [...cliSignInCallbackUrls] });
    for (const [brandingId, client] of [
      ['ConsoleLoginBranding', this.consoleClient],
      ['CliLoginBranding', this.cliClient],
    ] as const) {
      // Managed login (version 2) shows a client's pages only once the client has a style: Cognito's own.
      new cognito.CfnManagedLoginBranding(this, brandingId, {
        userPoolId: this.userPool.userPoolId,
        clientId: client.userPoolClientId,
        useCognitoProvidedValues: true,
      }).node.addDependency(domain);
    }

    // ID tokens, not access tokens: they carry `aud` (the client id) and the person's e-mail and name,
    // which Cognito's access tokens lack; `cognito:groups` is in both.
    this.provider = {
      id: 'cognito',
      name: `Keyward ${stage}`,
      issuer: `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`,
      audiences: [this.consoleClient.userPoolClientId, this.cliClient.userPoolClientId],
      audienceClaim: 'aud',
      consoleClientId: this.consoleClient.userPoolClientId,
      cliClientId: this.cliClient.userPoolClientId,
      groupsClaim: 'cognito:groups',
      groups: {},
      groupPattern,
    };
  }

  /**
   * A client without a secret (a browser or a terminal cannot keep one) that may only run the
   * authorization code grant, with PKCE from the console and the CLI, and sign in through the
   * managed login: no password or custom flow of the Cognito API beside SRP (which never sends
   * the password) and refreshing.
   */
  private addPublicClient(id: string, name: string, urls: { callbackUrls: string[]; logoutUrls?: string[] }): cognito.UserPoolClient {
    return this.userPool.addClient(id, {
      userPoolClientName: name,
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        ...urls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // An hour per sign-in, renewed for a working day; a Keyward token from them lasts 15 minutes.
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
    });
  }
}

function validTenants(stage: string, tenants: readonly string[]): string[] {
  const wrong = tenants.filter((tenant) => !tenantPattern.test(tenant));
  if (wrong.length > 0) {
    throw new Error(
      `Invalid identity.cognito.tenants of stage '${stage}' (cdk/stages.ts): ${wrong.map((t) => JSON.stringify(t)).join(', ')} must be tenant ids (2-63 lowercase letters, digits or dashes).`,
    );
  }
  return [...new Set(tenants)];
}
