import { KeywardError } from '../errors.ts';
import type { PersonRecord, Store } from '../ports.ts';
import { WriteConflict } from '../ports.ts';
import type { Caller } from './authenticator.ts';
import { auditEvent } from './audit.ts';
import type { CursorSealer } from './cursor.ts';

const personNotFound = () =>
  new KeywardError('person.not_found', 'Nobody with this id has signed in to your tenant: take the id from GET /v1/people.');

/** The people who signed in to a tenant, and signing one out. */
export class PeopleService {
  private readonly deps: { store: Pick<Store, 'people' | 'changes'>; cursors: CursorSealer; auditRetentionDays: number };

  constructor(deps: PeopleService['deps']) {
    this.deps = deps;
  }

  async list(caller: Caller, query: { limit: number; cursor?: string | undefined }) {
    const listing = `people:${caller.tenant}`;
    const page = await this.deps.store.people.list(caller.tenant, {
      limit: query.limit,
      startKey: this.deps.cursors.open(listing, query.cursor),
    });
    return { items: page.items.map(personView), nextCursor: this.deps.cursors.seal(listing, page.nextKey) };
  }

  /** Every token issued to the person before now is refused from now on; signing in again gives a new one. */
  async signOut(caller: Caller, personId: string, now: Date) {
    const event = auditEvent(
      {
        tenant: caller.tenant,
        action: 'person.sign_out',
        keyId: null,
        actor: caller.actor,
        sourceIp: caller.sourceIp,
        details: { personId },
      },
      now,
      this.deps.auditRetentionDays,
    );
    try {
      await this.deps.store.changes.write([
        { kind: 'signOutPerson', tenant: caller.tenant, personId, at: now.toISOString() },
        { kind: 'audit', event },
      ]);
    } catch (error) {
      if (error instanceof WriteConflict) throw personNotFound();
      throw error;
    }
    const person = await this.deps.store.people.get(caller.tenant, personId);
    if (!person) throw personNotFound();
    return personView(person);
  }
}

const personView = ({ id, issuer, email, name, role, firstSeenAt, lastSeenAt, signedOutAt }: PersonRecord) => ({
  id,
  issuer,
  email,
  name,
  role,
  firstSeenAt,
  lastSeenAt,
  signedOutAt,
});
