import { App, Aspects } from 'aws-cdk-lib';
import nag from 'cdk-nag';
import { accountStage, KeywardAccountSettings } from './account-stack.ts';
import { KeywardStack } from './keyward-stack.ts';
import { stackName } from './outputs.ts';
import { deployedStageConfig, type StageConfig } from './stages.ts';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
// The table's customer-managed key needs a region-specific stack; the CDK CLI defaults to us-east-1 too.
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? 'us-east-1' };
if (stage === accountStage) {
  new KeywardAccountSettings(app, 'Keyward-account', { env });
} else {
  let config: StageConfig;
  try {
    config = deployedStageConfig(stage, app.node);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  new KeywardStack(app, stackName(stage), { stage, config, env });
}
Aspects.of(app).add(new nag.AwsSolutionsChecks({ verbose: true }));
