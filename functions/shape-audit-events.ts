import { eventOfStreamRecord, type KeywardEvent, type StreamRecord } from '#shared/adapters/dynamodb/audit-stream.ts';

/**
 * The enrichment step of the events pipe: turns the table's stream records (already filtered
 * to new audit items) into audit events, which the pipe puts on the bus as each event's
 * `detail`, with its `action` as the `detail-type`.
 */
export async function handler(records: StreamRecord[]): Promise<KeywardEvent['detail'][]> {
  return records
    .map(eventOfStreamRecord)
    .filter((event): event is KeywardEvent => event !== undefined)
    .map((event) => event.detail);
}
