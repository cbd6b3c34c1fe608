/** What outlives one drawing of a page: the notice for the next one, what the console learnt about keys, and how to redraw. */

let notice: string | null = null;

/** Leaves a notice ("Key revoked.") for the next page drawn; null drops the one left. */
export function setNotice(text: string | null) {
  notice = text;
}

/** The notice left for this page, shown once: the page drawn after it gets none. */
export function takeNotice(): string | null {
  const text = notice;
  notice = null;
  return text;
}

let drawPage = () => {};

/** The shell says how to draw the page of the address, so pages and dialogs can redraw it without importing the shell. */
export function onRedraw(draw: () => void) {
  drawPage = draw;
}

/** Draws the current page again, with the notice left for it, after a change made on it. */
export const redraw = () => drawPage();

/** Names of the keys the console has seen, to show ids by name. */
const keyNames = new Map<string, string>();

export const rememberKeys = (keys: { id: string; name: string }[]) => {
  for (const key of keys) keyNames.set(key.id, key.name);
};

export const keyName = (id: string) => keyNames.get(id);

/** The key view does not say until when a regenerated key's old secret works: the console keeps what it asked for. */
let oldSecret: { keyId: string; until: string } | null = null;

export function rememberGracePeriod(keyId: string, seconds: number) {
  oldSecret = seconds > 0 ? { keyId, until: new Date(Date.now() + seconds * 1000).toISOString() } : null;
}

/** Until when the old secret of `keyId` still works, if it does. */
export const oldSecretWorksUntil = (keyId: string) =>
  oldSecret?.keyId === keyId && Date.parse(oldSecret.until) > Date.now() ? oldSecret.until : null;
