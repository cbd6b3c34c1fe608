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
} as const;

export const stackName = (stage: string) => `Keyward-${stage}`;
