import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageKey, PeopleDirectory, PersonRecord } from '../../ports.ts';
import { byTenant, itemKeys, type Table } from './table.ts';

/** A tenant's people sit in one index partition, ordered by when each was last seen. */
const peoplePartition = (tenant: string) => `PEOPLE#${tenant}`;

function toPerson(item: Record<string, unknown>): PersonRecord {
  const { tenant, id, issuer, email, name, role, firstSeenAt, lastSeenAt, signedOutAt } = item as unknown as PersonRecord;
  return { tenant, id, issuer, email: email ?? null, name: name ?? null, role, firstSeenAt, lastSeenAt, signedOutAt: signedOutAt ?? null };
}

export class DynamoDbPeopleDirectory implements PeopleDirectory {
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async get(tenant: string, personId: string): Promise<PersonRecord | undefined> {
    const { Item } = await this.table.db.send(
      new GetCommand({ TableName: this.table.name, Key: itemKeys.person(tenant, personId), ConsistentRead: true }),
    );
    return Item ? toPerson(Item) : undefined;
  }

  async recordSignIn(person: Omit<PersonRecord, 'firstSeenAt' | 'lastSeenAt' | 'signedOutAt'>, at: string): Promise<PersonRecord> {
    const { Attributes } = await this.table.db.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: itemKeys.person(person.tenant, person.id),
        UpdateExpression:
          'SET entity = :entity, tenant = :tenant, id = :id, issuer = :issuer, email = :email, #name = :name, #role = :role, ' +
          'firstSeenAt = if_not_exists(firstSeenAt, :at), lastSeenAt = :at, #gpk = :gpk, #gsk = :gsk',
        ExpressionAttributeNames: { '#name': 'name', '#role': 'role', '#gpk': byTenant.partitionKey, '#gsk': byTenant.sortKey },
        ExpressionAttributeValues: {
          ':entity': 'person',
          ':tenant': person.tenant,
          ':id': person.id,
          ':issuer': person.issuer,
          ':email': person.email,
          ':name': person.name,
          ':role': person.role,
          ':at': at,
          ':gpk': peoplePartition(person.tenant),
          ':gsk': `${at}#${person.id}`,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toPerson(Attributes ?? {});
  }

  async list(tenant: string, options: { limit: number; startKey?: PageKey | undefined }): Promise<Page<PersonRecord>> {
    const result = await this.table.db.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: byTenant.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': byTenant.partitionKey },
        ExpressionAttributeValues: { ':pk': peoplePartition(tenant) },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: options.startKey,
      }),
    );
    return { items: (result.Items ?? []).map(toPerson), nextKey: result.LastEvaluatedKey };
  }
}
