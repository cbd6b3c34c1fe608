import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import nag from 'cdk-nag';
import { Construct } from 'constructs';
import type { BackupSettings } from '../stages.ts';

export interface TableBackupProps {
  stage: string;
  settings: BackupSettings;
  table: dynamodb.ITableV2;
  removalPolicy: RemovalPolicy;
}

/**
 * A daily AWS Backup of the table into a vault of the stack, each backup copied to the vault of
 * `copyToVaultArn` (another region or account) and kept as long there. Point-in-time recovery
 * covers mistakes of the last 35 days; this survives the loss of the region or the account.
 * Copying DynamoDB backups needs AWS Backup's advanced DynamoDB features, a setting of the account
 * and region (`aws backup update-region-settings`), and for another account the organisation's
 * cross-account backup and an access policy on the destination vault.
 */
export class TableBackup extends Construct {
  readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, { stage, settings, table, removalPolicy }: TableBackupProps) {
    super(scope, id);
    const retention = Duration.days(settings.retentionDays ?? 35);
    const vault = new backup.BackupVault(this, 'Vault', { backupVaultName: `keyward-${stage}`, removalPolicy });
    this.plan = new backup.BackupPlan(this, 'Plan', { backupPlanName: `keyward-${stage}`, backupVault: vault });
    this.plan.addRule(
      new backup.BackupPlanRule({
        ruleName: 'daily-with-copy',
        scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
        deleteAfter: retention,
        copyActions: [
          {
            destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyTo', settings.copyToVaultArn),
            deleteAfter: retention,
          },
        ],
      }),
    );
    const selection = this.plan.addSelection('Table', { resources: [backup.BackupResource.fromDynamoDbTable(table)] });
    nag.NagSuppressions.addResourceSuppressions(
      selection,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason: "AWS Backup's role uses AWS's AWSBackupServiceRolePolicyForBackup policy, the documented role for backup jobs.",
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'],
        },
      ],
      true,
    );
  }
}
