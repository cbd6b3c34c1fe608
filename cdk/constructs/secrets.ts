import type { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { SealContext } from '../../shared/ports.ts';

type Purpose = SealContext['purpose'];

/** Managing the key, never using it: no kms:CreateGrant (a grant would let its creator use the key for any purpose). */
const keyAdministration = [
  'kms:CreateAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

export interface SecretsKeyProps {
  stage: string;
  removalPolicy: RemovalPolicy;
}

/** The sealing purposes a role may use the secrets key for, per direction. */
export interface SealGrant {
  encrypt?: readonly Purpose[];
  decrypt?: readonly Purpose[];
}

/**
 * The key that seals the pepper, signing keys and recoverable keys (`alias/keyward-<stage>`).
 * Not the default "the account's IAM decides everything": the account administers the key and
 * may only do what bootstrap does with IAM credentials (seal the pepper and the first signing
 * key, open the pepper to hash the system key); so no IAM policy, however broad, opens a signing
 * key. Every other use is granted to one role, for its own purposes (`grantSeal`).
 */
export class SecretsKey extends kms.Key {
  constructor(scope: Construct, id: string, { stage, removalPolicy }: SecretsKeyProps) {
    const account = new iam.AccountRootPrincipal();
    super(scope, id, {
      description: `Keyward ${stage}: seals the pepper, token signing keys and recoverable API keys`,
      enableKeyRotation: true,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'KeyAdministration', principals: [account], actions: keyAdministration, resources: ['*'] }),
          new iam.PolicyStatement({
            sid: 'ProvisionThroughIam',
            principals: [account],
            actions: ['kms:Encrypt'],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:EncryptionContext:purpose': ['pepper', 'signing-key'] } },
          }),
          new iam.PolicyStatement({
            sid: 'OpenPepperThroughIam',
            principals: [account],
            actions: ['kms:Decrypt'],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:EncryptionContext:purpose': 'pepper' } },
          }),
        ],
      }),
      alias: `alias/keyward-${stage}`,
      removalPolicy,
    });
  }

  /**
   * Lets `role` decrypt and encrypt only with these encryption-context purposes: in its IAM
   * policy and in the key policy, which names the role, since the key policy does not leave
   * its use to IAM.
   */
  grantSeal(role: iam.IRole, { encrypt = [], decrypt = [] }: SealGrant): void {
    for (const [action, purposes] of [
      ['kms:Decrypt', decrypt],
      ['kms:Encrypt', encrypt],
    ] as const) {
      if (purposes.length === 0) continue;
      const conditions = { StringEquals: { 'kms:EncryptionContext:purpose': [...purposes] } };
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [action], resources: [this.keyArn], conditions }));
      this.addToResourcePolicy(new iam.PolicyStatement({ principals: [role], actions: [action], resources: ['*'], conditions }));
    }
  }
}
