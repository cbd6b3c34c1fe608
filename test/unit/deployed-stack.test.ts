import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { deployedStackEnvironment, environmentFromOutputs } from '../../cli/deployed-stack.ts';
import { loadConfig } from '#shared/config.ts';

const outputs = [
  { OutputKey: 'TableName', OutputValue: 'Keyward-prod-Table-1' },
  { OutputKey: 'KeyArn', OutputValue: 'arn:aws:kms:eu-west-1:123456789012:key/abc' },
  { OutputKey: 'KeyPrefix', OutputValue: 'kw' },
  { OutputKey: 'AuditRetentionDays', OutputValue: '90' },
  { OutputKey: 'Issuer', OutputValue: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod' },
  { OutputKey: 'Region', OutputValue: 'eu-west-1' },
];

const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => cloudFormation.reset());

describe('bootstrap against a deployed stack', () => {
  it("points the runtime at the stack's table and KMS key, in its region", async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Keyward-prod' })
      .resolves({ Stacks: [{ StackName: 'Keyward-prod', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: outputs }] });
    const environment = await deployedStackEnvironment('prod');
    expect(environment).toMatchObject({ KEYWARD_TABLE_NAME: 'Keyward-prod-Table-1', KEYWARD_CIPHER: 'kms', AWS_REGION: 'eu-west-1' });
    expect(loadConfig(environment)).toMatchObject({
      cipher: 'kms',
      kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
      tableName: 'Keyward-prod-Table-1',
    });
  });

  it('says how to deploy when the stack does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Keyward-qa does not exist'), { name: 'ValidationError' }));
    await expect(deployedStackEnvironment('qa')).rejects.toThrow('npx cdk deploy -c stage=qa');
  });

  it('names a missing output', () => {
    expect(() => environmentFromOutputs('prod', { TableName: 't' })).toThrow(/no output KeyArn/);
  });
});
