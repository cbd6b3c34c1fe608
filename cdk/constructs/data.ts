import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { keywardTable } from '../../shared/adapters/table-definition.ts';
import type { ItemAction, QueryTarget } from '../function-access.ts';

export interface TableKeyProps {
  stage: string;
  removalPolicy: RemovalPolicy;
}

/**
 * The key that encrypts the table at rest, with rotation and `alias/keyward-<stage>-table`.
 * Its own key, apart from the secrets key, so that reading the table never grants opening a secret.
 */
export class TableKey extends kms.Key {
  constructor(scope: Construct, id: string, { stage, removalPolicy }: TableKeyProps) {
    super(scope, id, {
      description: `Keyward ${stage}: encrypts the key table at rest`,
      enableKeyRotation: true,
      alias: `alias/keyward-${stage}-table`,
      removalPolicy,
    });
  }
}

/** Why the table gets no replica in another region, for as long as Keyward has no multi-region design. */
export const multiRegionRefusal =
  'Keyward runs in one region: a table replica in another region (a DynamoDB global table) is refused, as its last-writer-wins ' +
  'replication would let a use undo a revocation, exceed limits and publish audit events twice. See docs/multi-region.md.';

export interface KeyTableProps {
  encryptionKey: TableKey;
  removalPolicy: RemovalPolicy;
}

/**
 * The one table (keys, tenants, audit events, settings, idempotency records) as
 * shared/adapters/table-definition.ts defines it, the same table the local run creates:
 * on demand, TTL as expiry backstop, point-in-time recovery, and deletion protection when retained.
 * One region only: `addReplica` is refused.
 */
export class KeyTable extends dynamodb.TableV2 {
  private readonly key: TableKey;

  constructor(scope: Construct, id: string, { encryptionKey, removalPolicy }: KeyTableProps) {
    const { indexes } = keywardTable;
    const attribute = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    super(scope, id, {
      partitionKey: attribute(keywardTable.partitionKey),
      sortKey: attribute(keywardTable.sortKey),
      timeToLiveAttribute: keywardTable.ttlAttribute,
      dynamoStream: dynamodb.StreamViewType.NEW_IMAGE,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(encryptionKey),
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: indexes.byTenant.name,
          partitionKey: attribute(indexes.byTenant.partitionKey),
          sortKey: attribute(indexes.byTenant.sortKey),
          projectionType: dynamodb.ProjectionType.ALL,
        },
        {
          indexName: indexes.byPurgeTime.name,
          partitionKey: attribute(indexes.byPurgeTime.partitionKey),
          sortKey: attribute(indexes.byPurgeTime.sortKey),
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...indexes.byPurgeTime.nonKeyAttributes],
        },
      ],
    });
    this.key = encryptionKey;
  }

  override addReplica(): never {
    throw new Error(multiRegionRefusal);
  }

  /**
   * Lets `role` do exactly these item actions and queries, and use the table key through
   * DynamoDB only: to decrypt, and to encrypt only when it writes.
   */
  grantAccess(role: iam.IRole, access: { items: readonly ItemAction[]; query: readonly QueryTarget[] }): void {
    const { tableArn } = this;
    const indexArn = (index: 'byTenant' | 'byPurgeTime') => `${tableArn}/index/${keywardTable.indexes[index].name}`;
    if (access.items.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: access.items.map((action) => `dynamodb:${action}`), resources: [tableArn] }),
      );
    }
    if (access.query.length > 0) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: access.query.map((target) => (target === 'table' ? tableArn : indexArn(target))),
        }),
      );
    }
    if (access.items.length === 0 && access.query.length === 0) return;
    const writes = access.items.some((action) => action !== 'GetItem');
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: writes ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
}
