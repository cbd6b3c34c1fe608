/** Names shared by the stack and the tools that read it (the CLI), free of CDK imports. */
export const outputNames = {
  apiUrl: 'ApiUrl',
  consoleUrl: 'ConsoleUrl',
  issuer: 'Issuer',
  jwksUrl: 'JwksUrl',
  tableName: 'TableName',
  keyArn: 'KeyArn',
  region: 'Region',
  keyPrefix: 'KeyPrefix',
  auditRetentionDays: 'AuditRetentionDays',
  userPoolId: 'UserPoolId',
  consoleClientId: 'ConsoleClientId',
  cliClientId: 'CliClientId',
  managedLoginUrl: 'ManagedLoginUrl',
  githubWebhookUrl: 'GithubWebhookUrl',
  githubWebhookSecretArn: 'GithubWebhookSecretArn',
  githubAppSecretArn: 'GithubAppSecretArn',
} as const;

/**
 * Where a stage's Cognito pool sends the CLI back after sign-in. Cognito matches a loopback
 * redirect's port exactly (no RFC 8252 port freedom), so `keyward` listens on this one port
 * for a Cognito provider; other providers accept any loopback port.
 */
export const cliSignInPort = 57816;
export const cliSignInCallbackUrls = [`http://127.0.0.1:${cliSignInPort}/callback`, `http://localhost:${cliSignInPort}/callback`] as const;

export const stackName = (stage: string) => `Keyward-${stage}`;
