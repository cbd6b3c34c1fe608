import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ChangeWriter, WriteOp } from '../../ports.ts';
import { WriteConflict } from '../../ports.ts';
import { auditItem } from './audit-log.ts';
import { keyItem, keyUpdate } from './key-items.ts';
import { itemKeys, type Table } from './table.ts';

/** Writes a change and its audit event as one transaction (a single op as a plain conditional write). */
export class DynamoDbChangeWriter implements ChangeWriter {
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async write(ops: WriteOp[]): Promise<void> {
    const items = ops.map((op) => this.toTransactItem(op));
    try {
      if (items.length === 1) {
        const [item] = items;
        if (item?.Put) await this.table.db.send(new PutCommand(item.Put));
        else if (item?.Update) await this.table.db.send(new UpdateCommand(item.Update));
        else if (item?.Delete) await this.table.db.send(new DeleteCommand(item.Delete));
      } else {
        await this.table.db.send(new TransactWriteCommand({ TransactItems: items }));
      }
    } catch (error) {
      const failed =
        error instanceof ConditionalCheckFailedException
          ? ops[0]
          : error instanceof TransactionCanceledException
            ? ops[error.CancellationReasons?.findIndex((reason) => reason.Code === 'ConditionalCheckFailed') ?? -1]
            : undefined;
      if (failed) throw new WriteConflict(failed.kind);
      throw error;
    }
  }

  private toTransactItem(op: WriteOp): NonNullable<TransactWriteCommandInput['TransactItems']>[number] {
    const TableName = this.table.name;
    switch (op.kind) {
      case 'createKey':
        return { Put: { TableName, Item: keyItem(op.key), ConditionExpression: 'attribute_not_exists(pk)' } };
      case 'createTenant':
        return {
          Put: {
            TableName,
            Item: { ...itemKeys.tenant(op.tenant.tenant), entity: 'tenant', ...op.tenant },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
      case 'audit':
        return { Put: { TableName, Item: auditItem(op.event) } };
      case 'setTenantPolicy':
        return {
          Update: {
            TableName,
            Key: itemKeys.tenant(op.tenant),
            UpdateExpression: 'SET #policy = :policy',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#policy': 'policy' },
            ExpressionAttributeValues: { ':policy': op.policy },
          },
        };
      case 'signOutPerson':
        return {
          Update: {
            TableName,
            Key: itemKeys.person(op.tenant, op.personId),
            UpdateExpression: 'SET signedOutAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':at': op.at },
          },
        };
      case 'updateKey': {
        const { sets, removes, names, values } = keyUpdate(op.changes);
        sets.push('#version = :next');
        const clauses = [`SET ${sets.join(', ')}`];
        if (removes.length > 0) clauses.push(`REMOVE ${removes.join(', ')}`);
        return {
          Update: {
            TableName,
            Key: itemKeys.key(op.keyId),
            UpdateExpression: clauses.join(' '),
            ConditionExpression: 'attribute_exists(pk) AND #tenant = :tenant AND #version = :expected',
            ExpressionAttributeNames: { ...names, '#tenant': 'tenant', '#version': 'version' },
            ExpressionAttributeValues: {
              ...values,
              ':tenant': op.tenant,
              ':expected': op.expectedVersion,
              ':next': op.expectedVersion + 1,
            },
          },
        };
      }
      case 'deleteKey': {
        const versioned = op.expectedVersion !== undefined;
        return {
          Delete: {
            TableName,
            Key: itemKeys.key(op.keyId),
            ConditionExpression: `attribute_exists(pk) AND #tenant = :tenant${versioned ? ' AND #version = :expected' : ''}`,
            ExpressionAttributeNames: { '#tenant': 'tenant', ...(versioned ? { '#version': 'version' } : {}) },
            ExpressionAttributeValues: { ':tenant': op.tenant, ...(versioned ? { ':expected': op.expectedVersion } : {}) },
          },
        };
      }
      case 'noticeExpiry': {
        const attribute = (notice: string) => `expiryNotice${notice}`;
        return {
          Update: {
            TableName,
            Key: itemKeys.key(op.keyId),
            UpdateExpression: `SET ${op.notices.map((notice) => `${attribute(notice)} = :now`).join(', ')}`,
            ConditionExpression: `attribute_exists(pk) AND #tenant = :tenant AND expiresAt = :expiresAt AND #status <> :revoked AND attribute_not_exists(${attribute(op.notices[0] ?? '7d')})`,
            ExpressionAttributeNames: { '#tenant': 'tenant', '#status': 'status' },
            ExpressionAttributeValues: {
              ':now': new Date().toISOString(),
              ':tenant': op.tenant,
              ':expiresAt': op.expiresAt,
              ':revoked': 'revoked',
            },
          },
        };
      }
      case 'completeIdempotency':
        return {
          Update: {
            TableName,
            Key: itemKeys.idempotency(op.id),
            UpdateExpression: 'SET #state = :completed, sealedResponse = :response',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':completed': 'completed', ':response': op.sealedResponse },
          },
        };
      case 'purgeKey':
        return {
          Delete: {
            TableName,
            Key: itemKeys.key(op.keyId),
            ConditionExpression: 'attribute_exists(pk) AND #tenant = :tenant AND purgeAt <= :due',
            ExpressionAttributeNames: { '#tenant': 'tenant' },
            ExpressionAttributeValues: { ':tenant': op.tenant, ':due': op.dueBy },
          },
        };
    }
  }
}
