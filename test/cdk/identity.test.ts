import { describe, expect, it } from 'vitest';
import { App, Aspects, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import nag from 'cdk-nag';
import { KeywardStack } from '../../cdk/keyward-stack.ts';
import { type IdentityConfig, type StageConfig, stageConfig } from '../../cdk/stages.ts';
import { outputNames, stackName } from '../../cdk/outputs.ts';
import { identityProvidersSchema, membershipsOf } from '../../shared/domain/identity.ts';
import { cdkJsonContext, cfnText, ofType, only, type Resource, type SynthesizedStack } from '../support/cdk-template.ts';

/*
 * Template assertions for people on AWS: the Cognito pool a stage may create, or the external
 * issuers it may trust, and how either reaches the functions. Synthesized without bundling, as
 * in stack.test.ts.
 */

/** The functions that read the trusted providers, written out here and not taken from cdk/function-settings.ts. */
const readsIdentityProviders = ['oauth-token', 'sign-in-providers'];
const roles = ['admin', 'manager', 'viewer', 'creator'];
const okta = {
  id: 'corp',
  name: 'Corp SSO',
  issuer: 'https://corp.okta.com/oauth2/default',
  audiences: ['0oa-console', '0oa-cli'],
  consoleClientId: '0oa-console',
  cliClientId: '0oa-cli',
  groupPattern: 'keyward-{tenant}-{role}',
};

interface Synthesized extends SynthesizedStack<KeywardStack> {
  /** Logical id of each function, by name. */
  functions: Record<string, string>;
}

const built = new Map<string, Synthesized>();

/** A stack of `stage` with its configuration changed by `identity`, built once per file, with cdk-nag applied. */
function synthesized(stage: string, identity?: IdentityConfig | null): Synthesized {
  const key = `${stage} ${JSON.stringify(identity)}`;
  const cached = built.get(key);
  if (cached) return cached;
  const base = stageConfig(stage);
  const config: StageConfig = identity === undefined ? base : { ...base, identity: identity ?? undefined };
  const app = new App({ context: { ...cdkJsonContext, stage, 'aws:cdk:bundling-stacks': [] } });
  const stack = new KeywardStack(app, stackName(stage), { stage, config, env: { region: 'us-east-1' } });
  Aspects.of(app).add(new nag.AwsSolutionsChecks());
  const template = Template.fromStack(stack);
  const json = template.toJSON() as { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown }> };
  const functions = Object.fromEntries(
    Object.entries(stack.keyward.functions).map(([name, fn]) => [name, stack.getLogicalId(fn.node.defaultChild as CfnElement)]),
  );
  const result = { stack, resources: json.Resources, outputs: json.Outputs ?? {}, annotations: Annotations.fromStack(stack), functions };
  built.set(key, result);
  return result;
}

const text = (value: unknown) => cfnText(value);

/** The console's Content-Security-Policy, as CloudFront sends it. */
function consolePolicy(s: Synthesized): string {
  const [, policy] = only(s, 'AWS::CloudFront::ResponseHeadersPolicy');
  return text(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
}

function environmentOf(s: Synthesized, name: string): Record<string, unknown> {
  return s.resources[s.functions[name]!]!.Properties.Environment?.Variables ?? {};
}

/** The providers a function trusts, parsed and validated as the function's configuration does at cold start. */
function providersOf(s: Synthesized, name: string) {
  const value = environmentOf(s, name).KEYWARD_IDENTITY_PROVIDERS;
  expect(value, `${name} has no KEYWARD_IDENTITY_PROVIDERS`).toBeDefined();
  return identityProvidersSchema.parse(JSON.parse(text(value)));
}

/** Every IAM action any policy of the template allows (identity, resource and key policies). */
function allowedActions(s: Synthesized): string[] {
  const actions: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) walk(item);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.Effect === 'Allow' && (record.Action !== undefined || record.NotAction !== undefined)) {
        actions.push(...[record.Action ?? '*'].flat().map(String));
      } else for (const child of Object.values(record)) walk(child);
    }
  };
  for (const resource of Object.values(s.resources)) walk(resource.Properties);
  return actions;
}

const covers = (pattern: string, action: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  ).test(action);

function nagFindings(s: Synthesized) {
  const format = (entries: ReturnType<Annotations['findError']>) => entries.map((entry) => `${entry.id}: ${String(entry.entry.data)}`);
  return {
    errors: format(s.annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))),
    warnings: format(s.annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))),
  };
}

/** The prod stage with people in a Cognito pool of its own, on every default. */
const prodWithPool = () => synthesized('prod', { cognito: { tenants: ['default', 'acme-corp'] } });

describe('a stage with a Cognito user pool (dev, as in cdk/stages.ts)', () => {
  const dev = () => synthesized('dev');

  it('creates one pool: e-mail sign-in, no self sign-up, a strong password policy, TOTP as the only second factor', () => {
    const [, pool] = only(dev(), 'AWS::Cognito::UserPool');
    const props = pool.Properties;
    expect(props.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(props.UsernameAttributes).toEqual(['email']);
    expect(props.UsernameConfiguration).toEqual({ CaseSensitive: false });
    expect(props.Policies.PasswordPolicy).toEqual({
      MinimumLength: 14,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 3,
    });
    expect(props.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(props.AccountRecoverySetting.RecoveryMechanisms).toEqual([{ Name: 'verified_email', Priority: 1 }]);
    // A changed address counts only once verified: nobody takes on another person's e-mail.
    expect(props.UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate).toEqual(['email']);
  });

  it('leaves MFA optional and the pool deletable, as dev destroys its data (both findings suppressed with a reason)', () => {
    const s = dev();
    const [, pool] = only(s, 'AWS::Cognito::UserPool');
    expect(pool.Properties.MfaConfiguration).toBe('OPTIONAL');
    expect(pool.Properties.DeletionProtection).toBe('INACTIVE');
    expect(pool.DeletionPolicy).toBe('Delete');
    expect(pool.Properties.UserPoolTier).toBe('ESSENTIALS');
    const suppressed = ((pool.Metadata?.cdk_nag?.rules_to_suppress ?? []) as { id: string }[]).map((rule) => rule.id);
    expect(suppressed.sort()).toEqual(['AwsSolutions-COG2', 'AwsSolutions-COG8']);
  });

  it('creates the groups keyward-default-<role> for every role, and nothing else', () => {
    const names = ofType(dev(), 'AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties.GroupName);
    expect(names.sort()).toEqual(roles.map((role) => `keyward-default-${role}`).sort());
  });

  it('has a managed login (version 2) domain, and a style for each client so its pages show', () => {
    const s = dev();
    const [domainId, domain] = only(s, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties.ManagedLoginVersion).toBe(2);
    expect(text(domain.Properties.Domain)).toBe('keyward-dev-AWS::AccountId');
    const brandings = ofType(s, 'AWS::Cognito::ManagedLoginBranding').map(([, b]) => b);
    expect(brandings.map((b) => text(b.Properties.ClientId)).sort()).toEqual(
      ofType(s, 'AWS::Cognito::UserPoolClient')
        .map(([id]) => id)
        .sort(),
    );
    for (const branding of brandings) {
      expect(branding.Properties.UseCognitoProvidedValues).toBe(true);
      expect(branding).toHaveProperty('DependsOn', [domainId]);
    }
  });

  it('has two public clients, console and CLI: no secret, only the code grant, openid email profile, no password flow', () => {
    const clients = ofType(dev(), 'AWS::Cognito::UserPoolClient').map(([, c]) => c.Properties);
    expect(clients.map((c) => c.ClientName).sort()).toEqual(['keyward-dev-cli', 'keyward-dev-console']);
    for (const client of clients) {
      expect(client.GenerateSecret, client.ClientName).toBe(false);
      expect(client.AllowedOAuthFlows).toEqual(['code']);
      expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
      expect(client.AllowedOAuthScopes).toEqual(['openid', 'email', 'profile']);
      expect(client.SupportedIdentityProviders).toEqual(['COGNITO']);
      expect(client.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
      expect(client.PreventUserExistenceErrors).toBe('ENABLED');
      expect(client.EnableTokenRevocation).toBe(true);
      expect([client.IdTokenValidity, client.AccessTokenValidity, client.RefreshTokenValidity]).toEqual([60, 60, 720]);
      expect(client.TokenValidityUnits).toEqual({ IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'minutes' });
    }
  });

  it("sends the console back to the console's URL, and the CLI to its fixed loopback port", () => {
    const s = dev();
    const [distributionId] = only(s, 'AWS::CloudFront::Distribution');
    const byName = Object.fromEntries(ofType(s, 'AWS::Cognito::UserPoolClient').map(([, c]) => [c.Properties.ClientName, c.Properties]));
    const consoleClient = byName['keyward-dev-console']!;
    expect(consoleClient.CallbackURLs.map(text)).toEqual([`https://${distributionId}.DomainName/`]);
    expect(consoleClient.LogoutURLs.map(text)).toEqual([`https://${distributionId}.DomainName/`]);
    expect(byName['keyward-dev-cli']!.CallbackURLs).toEqual(['http://127.0.0.1:57816/callback', 'http://localhost:57816/callback']);
  });

  it('gives the token exchange and the sign-in list the pool as a trusted provider of ID tokens, mapping its groups', () => {
    const s = dev();
    const [poolId] = only(s, 'AWS::Cognito::UserPool');
    const clientId = (name: string) =>
      ofType(s, 'AWS::Cognito::UserPoolClient').find(([, c]) => c.Properties.ClientName === `keyward-dev-${name}`)![0];
    for (const name of readsIdentityProviders) {
      const [provider, ...others] = providersOf(s, name);
      expect(others).toEqual([]);
      expect(provider).toEqual({
        id: 'cognito',
        name: 'Keyward dev',
        issuer: `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`,
        audiences: [clientId('console'), clientId('cli')],
        audienceClaim: 'aud',
        consoleClientId: clientId('console'),
        cliClientId: clientId('cli'),
        groupsClaim: 'cognito:groups',
        groups: {},
        groupPattern: 'keyward-{tenant}-{role}',
      });
      const groupNames = ofType(s, 'AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties.GroupName as string);
      expect(membershipsOf(provider!, groupNames)).toEqual([{ tenant: 'default', role: 'admin', scopes: [] }]);
      expect(membershipsOf(provider!, ['keyward-default-viewer'])).toEqual([{ tenant: 'default', role: 'viewer', scopes: [] }]);
    }
  });

  it('gives the providers to no other function', () => {
    const s = dev();
    const holders = Object.keys(s.functions).filter((name) => environmentOf(s, name).KEYWARD_IDENTITY_PROVIDERS !== undefined);
    expect(holders.sort()).toEqual([...readsIdentityProviders].sort());
  });

  it('outputs the pool id, both client ids and the managed login URL', () => {
    const s = dev();
    const [poolId] = only(s, 'AWS::Cognito::UserPool');
    const [domainId] = only(s, 'AWS::Cognito::UserPoolDomain');
    const value = (name: string) => text(s.outputs[name]?.Value);
    expect(value(outputNames.userPoolId)).toBe(poolId);
    const clients = ofType(s, 'AWS::Cognito::UserPoolClient');
    const clientOf = (name: string) => clients.find(([, c]) => c.Properties.ClientName === `keyward-dev-${name}`)![0];
    expect(value(outputNames.consoleClientId)).toBe(clientOf('console'));
    expect(value(outputNames.cliClientId)).toBe(clientOf('cli'));
    expect(value(outputNames.managedLoginUrl)).toBe(`https://${domainId}.auth.us-east-1.amazoncognito.com`);
  });

  it("lets the console's CSP connect to the pool's issuer (discovery, keys) and its managed login domain (the code's exchange)", () => {
    const csp = consolePolicy(dev());
    expect(csp).toContain('https://cognito-idp.us-east-1.amazonaws.com');
    expect(csp).toMatch(
      /connect-src 'self' \S+ https:\/\/cognito-idp\.us-east-1\.amazonaws\.com https:\/\/\S+\.auth\.us-east-1\.amazoncognito\.com;/,
    );
  });

  it('passes cdk-nag', () => {
    expect(nagFindings(dev())).toEqual({ errors: [], warnings: [] });
  });
});

describe('prod with a Cognito user pool, on the defaults', () => {
  it('requires MFA (TOTP), enforces threat protection, protects the pool from deletion and retains it', () => {
    const [, pool] = only(prodWithPool(), 'AWS::Cognito::UserPool');
    expect(pool.Properties.MfaConfiguration).toBe('ON');
    expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.Properties.UserPoolTier).toBe('PLUS');
    expect(pool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    expect([pool.DeletionPolicy, pool.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
  });

  it('creates the groups of every listed tenant and role', () => {
    const names = ofType(prodWithPool(), 'AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties.GroupName);
    expect(names.sort()).toEqual(['default', 'acme-corp'].flatMap((tenant) => roles.map((role) => `keyward-${tenant}-${role}`)).sort());
  });

  it('passes cdk-nag with no suppression on the pool', () => {
    const s = prodWithPool();
    const [, pool] = only(s, 'AWS::Cognito::UserPool');
    expect(pool.Metadata?.cdk_nag).toBeUndefined();
    expect(nagFindings(s)).toEqual({ errors: [], warnings: [] });
  });
});

describe.each([
  ['dev with its pool', () => synthesized('dev')],
  ['prod with a pool', prodWithPool],
  ['staging with an external issuer', () => synthesized('staging', { providers: [okta] })],
])('%s', (_label, stackOf) => {
  it('grants no Cognito action to anything, so no function can administer the pool or call it per request', () => {
    const s = stackOf();
    const samples = ['cognito-idp:AdminGetUser', 'cognito-idp:ListUsers', 'cognito-idp:AdminAddUserToGroup', 'cognito-idp:GetUser'];
    const actions = allowedActions(s);
    expect(actions.length).toBeGreaterThan(Object.keys(s.functions).length);
    expect(actions.filter((action) => samples.some((sample) => covers(action, sample)))).toEqual([]);
  });
});

describe('a stage trusting an external issuer', () => {
  const staging = () => synthesized('staging', { providers: [okta] });

  it('creates no Cognito resource and outputs none', () => {
    const s = staging();
    expect(Object.values(s.resources).filter((r) => r.Type.startsWith('AWS::Cognito::'))).toEqual([]);
    for (const name of [outputNames.userPoolId, outputNames.consoleClientId, outputNames.cliClientId, outputNames.managedLoginUrl]) {
      expect(s.outputs[name], name).toBeUndefined();
    }
  });

  it('passes the providers through as written, with the defaults the runtime gives them', () => {
    const s = staging();
    for (const name of readsIdentityProviders) {
      expect(providersOf(s, name)).toEqual([{ ...okta, audienceClaim: 'aud', groupsClaim: 'groups', groups: {} }]);
    }
  });

  it("lets the console's CSP connect to the issuer, and to nothing else new", () => {
    const csp = consolePolicy(staging());
    expect(csp).toMatch(/connect-src 'self' https:\/\/\S+\.execute-api\.\S+ https:\/\/corp\.okta\.com; /);
  });

  it('passes cdk-nag', () => {
    expect(nagFindings(staging())).toEqual({ errors: [], warnings: [] });
  });
});

describe('a stage without people', () => {
  it('has no pool, and its token exchange and sign-in list trust no provider', () => {
    const s = synthesized('staging', null);
    expect(ofType(s, 'AWS::Cognito::UserPool')).toEqual([]);
    for (const name of readsIdentityProviders) expect(providersOf(s, name)).toEqual([]);
  });
});

describe('a wrong identity configuration fails synthesis with what to fix', () => {
  it('an external issuer that is not a URL names the stage, the field and the rule', () => {
    expect(() => synthesized('staging', { providers: [{ ...okta, issuer: 'corp.okta.com' }] })).toThrow(
      /Invalid identity providers of stage 'staging' \(cdk\/stages\.ts\):\n {2}identity\.providers\.0\.issuer: /,
    );
  });

  it('two issuers with one id', () => {
    expect(() => synthesized('staging', { providers: [okta, { ...okta, issuer: 'https://other.example.com/' }] })).toThrow(
      /identity\.providers\.: each provider needs an id of its own/,
    );
  });

  it('a group pattern without {role}', () => {
    expect(() => synthesized('staging', { providers: [{ ...okta, groupPattern: 'keyward-{tenant}' }] })).toThrow(
      /identity\.providers\.0\.groupPattern: must hold both \{tenant\} and \{role\}/,
    );
  });

  it('a Cognito tenant that is not a tenant id', () => {
    expect(() => synthesized('dev', { cognito: { tenants: ['default', 'Acme Corp'] } })).toThrow(
      /Invalid identity\.cognito\.tenants of stage 'dev' \(cdk\/stages\.ts\): "Acme Corp" must be tenant ids/,
    );
  });
});
