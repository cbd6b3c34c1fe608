import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import nag from 'cdk-nag';
import { Keyward } from './keyward.ts';
import { outputNames } from './outputs.ts';
import type { StageConfig } from './stages.ts';

export interface KeywardStackProps extends StackProps {
  stage: string;
  config: StageConfig;
}

/** One Keyward per environment, with the outputs that clients, the CLI and verifiers need. */
export class KeywardStack extends Stack {
  readonly keyward: Keyward;

  constructor(scope: Construct, id: string, props: KeywardStackProps) {
    super(scope, id, props);
    this.keyward = new Keyward(this, 'Keyward', { stage: props.stage, config: props.config });
    const { keyward } = this;
    new CfnOutput(this, outputNames.apiUrl, { value: keyward.issuer, description: 'Base URL of the API' });
    new CfnOutput(this, outputNames.consoleUrl, { value: keyward.consoleUrl, description: 'The admin console' });
    new CfnOutput(this, outputNames.issuer, { value: keyward.issuer, description: 'Token issuer (iss)' });
    new CfnOutput(this, outputNames.jwksUrl, { value: keyward.jwksUrl, description: 'JWKS for verifying tokens' });
    new CfnOutput(this, outputNames.tableName, { value: keyward.table.tableName });
    new CfnOutput(this, outputNames.keyArn, { value: keyward.secretsKey.keyArn, description: 'KMS key that seals Keyward secrets' });
    new CfnOutput(this, outputNames.region, { value: this.region });
    new CfnOutput(this, outputNames.keyPrefix, { value: props.config.keyPrefix });
    new CfnOutput(this, outputNames.auditRetentionDays, { value: String(props.config.auditRetentionDays) });
    new CfnOutput(this, outputNames.githubWebhookUrl, {
      value: keyward.githubWebhookUrl,
      description: "The GitHub App's webhook URL (secret scanning)",
    });
    // ARNs only: the values are read with `aws secretsmanager get-secret-value`, never put in an output.
    new CfnOutput(this, outputNames.githubWebhookSecretArn, {
      value: keyward.github.webhookSecret.secretArn,
      description: "The GitHub App's webhook secret, generated: copy it into the App's webhook settings",
    });
    new CfnOutput(this, outputNames.githubAppSecretArn, {
      value: keyward.github.appSecret.secretArn,
      description: 'Put the GitHub App here, as JSON {"appId", "privateKey"}',
    });
    if (keyward.people) {
      const { people } = keyward;
      new CfnOutput(this, outputNames.userPoolId, { value: people.userPool.userPoolId, description: 'Cognito user pool of the people' });
      new CfnOutput(this, outputNames.consoleClientId, {
        value: people.consoleClient.userPoolClientId,
        description: "The console's app client",
      });
      new CfnOutput(this, outputNames.cliClientId, { value: people.cliClient.userPoolClientId, description: "The CLI's app client" });
      new CfnOutput(this, outputNames.managedLoginUrl, { value: people.managedLoginUrl, description: 'Managed login (sign-in pages)' });
    }
    suppressReviewedFindings(this, props.config);
  }
}

/** cdk-nag findings a reviewer has accepted, each with its reason. */
function suppressReviewedFindings(stack: KeywardStack, config: StageConfig): void {
  const { NagSuppressions } = nag;
  NagSuppressions.addStackSuppressions(stack, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'X-Ray tracing actions support no resource-level permissions; log stream names of a function are only known at run time, within its own log group; ' +
        "the schedules' role may invoke its one function in any version (function ARN with a qualifier), nothing else.",
      appliesTo: ['Resource::*', { regex: '/^Resource::<Keyward.*\\.Arn>:\\*$/' }, { regex: '/^Resource::arn:.*:log-group:.*$/' }],
    },
    {
      id: 'AwsSolutions-APIG2',
      reason:
        'Every request is validated by the zod schema of its route in the handler, so errors keep the JSON shape and messages of the API contract.',
    },
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'Keyward is the authority: management routes authenticate API keys and tokens in the handler with a live status check (an authorizer cache would let a revoked key through); token and discovery routes are public by design.',
    },
    {
      id: 'AwsSolutions-COG4',
      reason:
        "The API accepts Keyward keys and tokens only: people exchange their identity provider's ID token for a Keyward token at POST /v1/oauth/token; see APIG4.",
    },
    {
      id: 'AwsSolutions-SQS3',
      reason:
        'These queues are dead-letter queues themselves (of the schedules, the events pipe, the usage counter and the GitHub alerts).',
    },
    {
      id: 'AwsSolutions-CFR1',
      reason: 'Admins may sign in to the console from anywhere; every call it makes is authenticated by an API key or token.',
    },
    {
      id: 'AwsSolutions-CFR2',
      reason: 'The console distribution serves static files only; the API it calls has its own WAF web ACL (staging, prod).',
    },
    {
      id: 'AwsSolutions-CFR4',
      reason:
        "The distribution uses CloudFront's default certificate, whose TLS policy is fixed; with a custom domain and certificate, set TLS 1.2 as the minimum.",
    },
    ...(config.waf
      ? []
      : [{ id: 'AwsSolutions-APIG3', reason: 'WAF is switched off for this stage in cdk/stages.ts (on in staging and prod).' }]),
  ]);
  const { people } = stack.keyward;
  const poolFindings = [
    ...(people?.mfaRequired === false
      ? [
          {
            id: 'AwsSolutions-COG2',
            reason: "MFA is optional in this stage's pool by choice (cdk/stages.ts): it holds test people; a pool requires it by default.",
          },
        ]
      : []),
    ...(people?.threatProtection === false
      ? [
          {
            id: 'AwsSolutions-COG8',
            reason: "Threat protection (Plus plan, billed per person) is off in this stage's pool (cdk/stages.ts): it holds test people.",
          },
        ]
      : []),
  ];
  if (people && poolFindings.length > 0) NagSuppressions.addResourceSuppressions(people.userPool, poolFindings);
  // CDK's own function that copies the console into its bucket (BucketDeployment).
  const deployer = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (deployer) {
    NagSuppressions.addResourceSuppressions(
      deployer,
      [
        { id: 'AwsSolutions-L1', reason: "CDK's BucketDeployment handler pins its own runtime; it runs only during deployments." },
        {
          id: 'AwsSolutions-IAM4',
          reason: "CDK's BucketDeployment handler uses the basic Lambda execution role for its logs.",
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "CDK's BucketDeployment handler copies the console's files from the CDK asset bucket into the console bucket: object-level actions on those two buckets only.",
          appliesTo: [{ regex: '/^Action::s3:.*\\*$/' }, { regex: '/^Resource::.*\\/\\*$/' }],
        },
      ],
      true,
    );
  }
}
