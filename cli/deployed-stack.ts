import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { outputNames, stackName } from '../cdk/outputs.ts';

/**
 * The runtime environment that points Keyward's code at a deployed stack: its table and
 * KMS key, in its region. IAM decides whether the caller may use them.
 */
export function environmentFromOutputs(stage: string, outputs: Record<string, string | undefined>): Record<string, string> {
  const need = (name: string) => {
    const value = outputs[name];
    if (!value)
      throw new Error(
        `The stack ${stackName(stage)} has no output ${name}: deploy this version of Keyward first (npx cdk deploy -c stage=${stage}).`,
      );
    return value;
  };
  return {
    KEYWARD_TABLE_NAME: need(outputNames.tableName),
    KEYWARD_CIPHER: 'kms',
    KEYWARD_KMS_KEY_ID: need(outputNames.keyArn),
    KEYWARD_KEY_PREFIX: need(outputNames.keyPrefix),
    KEYWARD_AUDIT_RETENTION_DAYS: need(outputNames.auditRetentionDays),
    KEYWARD_ISSUER: need(outputNames.issuer),
    AWS_REGION: need(outputNames.region),
  };
}

/** Reads the outputs of a stage's stack with the caller's AWS credentials and region. */
export async function deployedStackEnvironment(stage: string): Promise<Record<string, string>> {
  const client = new CloudFormationClient({});
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName(stage) }));
    const outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue]));
    return environmentFromOutputs(stage, outputs);
  } catch (error) {
    if ((error as Error).name === 'ValidationError') {
      throw new Error(
        `No stack ${stackName(stage)} in this account and region: deploy it with npx cdk deploy -c stage=${stage}, or set AWS_REGION.`,
      );
    }
    throw error;
  } finally {
    client.destroy();
  }
}
