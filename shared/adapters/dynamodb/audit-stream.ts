import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AuditEvent } from '../../ports.ts';

/** What the table's stream says of one new item (the fields this code reads). */
export interface StreamRecord {
  eventName?: string | undefined;
  dynamodb?: { NewImage?: Record<string, AttributeValue> | undefined } | undefined;
}

/** A Keyward event: the audit event as its `detail`, its action as the `detail-type`. */
export interface KeywardEvent {
  source: 'keyward';
  detailType: string;
  detail: Omit<AuditEvent, 'expiresAtEpoch'>;
}

/**
 * The event of a new audit item, or undefined for anything else. Only new items count: a
 * counted failure is one event, however often it is counted later.
 */
export function eventOfStreamRecord(record: StreamRecord): KeywardEvent | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const item = unmarshall(withEmptyMaps(image));
  if (item.entity !== 'audit') return undefined;
  const { id, tenant, at, action, keyId, actor, actorType, actorEmail, actorName, ownerId, sourceIp, outcome, details } =
    item as AuditEvent;
  return {
    source: 'keyward',
    detailType: action,
    detail: {
      id,
      tenant,
      at,
      action,
      keyId: keyId ?? null,
      actor,
      actorType: actorType ?? (action === 'authentication.failure' ? 'unauthenticated' : 'key'),
      ...(actorEmail !== undefined ? { actorEmail } : {}),
      ...(actorName !== undefined ? { actorName } : {}),
      ...(ownerId !== undefined ? { ownerId } : {}),
      sourceIp: sourceIp ?? null,
      outcome,
      details: details ?? {},
    },
  };
}

/** Some stream readers drop the `M` of an empty map (`"details": {}`); read it as the empty map it was. */
function withEmptyMaps(image: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, Object.keys(value).length === 0 ? { M: {} } : value]));
}
