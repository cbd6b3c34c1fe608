/** The parts pages are built from: the title, loading and error states, notices, badges and filters kept in the address. */
import { can, currentSession, type KeyView } from './api.ts';
import { expiresSoon, h, timeElement } from './dom.ts';
import { messageOf } from './errors.ts';
import { takeNotice } from './state.ts';

/** The page's h1, focused so screen readers start from it, and the document title. */
export function pageTitle(main: HTMLElement, text: string, ...extra: Node[]) {
  document.title = `${text} · Keyward console`;
  const heading = h('h1', { tabindex: -1 }, text);
  main.append(h('div', { class: 'page-head' }, heading, ...extra));
  heading.focus();
}

export const loading = (what: string) => h('p', { class: 'loading', role: 'status' }, `Loading ${what}…`);

export const errorBox = (error: unknown, retry?: () => void) =>
  h(
    'div',
    { class: 'error', role: 'alert' },
    h('p', {}, messageOf(error)),
    retry ? h('button', { type: 'button', onclick: retry }, 'Try again') : null,
  );

/** The notice the last action left for this page, if any. */
export function pendingNotice() {
  const text = takeNotice();
  return text ? h('p', { class: 'notice', role: 'status' }, text) : null;
}

export const readOnlyNotice = () =>
  can('keys:write') || can('keys:create')
    ? null
    : h(
        'p',
        { class: 'notice' },
        currentSession()?.who.kind === 'person'
          ? 'Read-only: your role (viewer) lets you look but not create or change keys.'
          : 'Read-only: this key has no keys:write scope, so you can look but not create or change keys.',
      );

/** Puts a page's filters in the address, so the view can be bookmarked and reload restores it. */
export function keepInUrl(path: string, filters: Record<string, string>) {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== '')).toString();
  const hash = `#${path}${query ? `?${query}` : ''}`;
  if (location.hash !== hash) history.pushState(null, '', hash);
}

export const badge = (text: string, kind: string) => h('span', { class: `badge badge-${kind}` }, text);

export const capitalised = (text: string) => text[0]!.toUpperCase() + text.slice(1);

export const statusBadge = (status: string) => badge(capitalised(status), status);

export const typeCell = (key: KeyView) => (key.type === 'system' ? [key.type, ' ', badge('Protected', 'protected')] : [key.type]);

export const expiryCell = (key: KeyView) =>
  expiresSoon(key) ? [timeElement(key.expiresAt), ' ', badge('Expires soon', 'soon')] : [timeElement(key.expiresAt)];
