import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import nag from 'cdk-nag';
import type { Construct } from 'constructs';

/** `-c stage=account` deploys these settings instead of a Keyward stage. */
export const accountStage = 'account';

/**
 * API Gateway's CloudWatch role, a setting of the whole account and region, deployed once before
 * any stage: a stage's access and execution logs need it. Kept apart from the stage stacks, whose
 * every deployment would otherwise point the account at its own role, and whose deletion would
 * leave the account pointing at a deleted one. Kept when this stack is deleted, for the same reason.
 */
export class KeywardAccountSettings extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, { description: "Keyward: API Gateway's account-wide CloudWatch Logs role", ...props });
    const role = new iam.Role(this, 'ApiGatewayCloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
      description: 'Lets API Gateway write the access and execution logs of every API in this account and region',
    });
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const account = new apigateway.CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: role.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    nag.NagSuppressions.addResourceSuppressions(role, [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          "API Gateway's account-level CloudWatch role uses AWS's AmazonAPIGatewayPushToCloudWatchLogs policy, the documented way to enable its logs.",
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
      },
    ]);
  }
}
