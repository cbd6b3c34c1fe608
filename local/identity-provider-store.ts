import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; none for what lives until it is destroyed. */
  expiresAt?: number;
}

/**
 * The local provider's sessions, grants, codes and refresh tokens in one JSON file, so a
 * restart of `npm start` signs nobody out. Small by nature (one laptop's sign-ins): the
 * whole file is rewritten, then renamed into place, on every change.
 */
export function fileAdapterFactory(file: string): (model: string) => Adapter {
  let entries: Record<string, Entry> = {};
  try {
    entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>;
  } catch {
    // No sign-ins yet.
  }
  const live = (entry: Entry | undefined) => (entry && (entry.expiresAt ?? Infinity) > Date.now() ? entry : undefined);
  const save = () => {
    for (const [key, entry] of Object.entries(entries)) if (!live(entry)) delete entries[key];
    writeFileSync(`${file}.tmp`, JSON.stringify(entries), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  const findBy = (field: 'uid' | 'userCode', model: string, value: string) =>
    Object.entries(entries).find(([key, entry]) => key.startsWith(`${model}:`) && live(entry) && entry.payload[field] === value)?.[1]
      .payload;

  return (model) => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        entries[keyOf(id)] = { payload, ...(expiresIn ? { expiresAt: Date.now() + expiresIn * 1000 } : {}) };
        save();
      },
      async find(id) {
        return live(entries[keyOf(id)])?.payload;
      },
      async findByUid(uid) {
        return findBy('uid', model, uid);
      },
      async findByUserCode(userCode) {
        return findBy('userCode', model, userCode);
      },
      async consume(id) {
        const entry = live(entries[keyOf(id)]);
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
        save();
      },
      async destroy(id) {
        delete entries[keyOf(id)];
        save();
      },
      async revokeByGrantId(grantId) {
        for (const [key, entry] of Object.entries(entries)) if (entry.payload.grantId === grantId) delete entries[key];
        save();
      },
    };
  };
}
