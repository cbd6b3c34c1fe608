import { api, ApiError, type AuditEvent } from '../api.ts';
import { field, h, timeElement } from '../dom.ts';
import { messageOf } from '../errors.ts';
import { badge, capitalised, errorBox, keepInUrl, loading, pageTitle } from '../page.ts';
import { keyName, rememberKeys } from '../state.ts';

const auditActions = [
  'tenant.bootstrap',
  'key.create',
  'key.update',
  'key.enable',
  'key.disable',
  'key.regenerate',
  'key.revoke',
  'key.delete',
  'key.reveal',
  'key.purge',
  'key.expiring',
  'authentication.failure',
  'tenant.policy_update',
  'tenant.revoke_all',
  'tenant.break_glass',
  'person.sign_in',
  'person.sign_out',
  'key.leaked',
];

/** The tenant's audit log, filtered by key and action as the address says. */
export async function auditPage(main: HTMLElement, query: URLSearchParams, title = 'Audit log', intro?: string) {
  pageTitle(main, title);
  if (intro) main.append(h('p', {}, intro));
  const keyId = h('input', { type: 'text', name: 'keyId', autocomplete: 'off', class: 'mono', value: query.get('key') ?? '' });
  const action = h(
    'select',
    { name: 'action' },
    h('option', { value: '' }, 'All actions'),
    ...auditActions.map((a) => h('option', { value: a, selected: query.get('action') === a }, a)),
  );
  const keyField = field('Filter by Key ID', keyId);
  const actionField = field('Action', action, 'Filters the events loaded so far, in the browser.');
  const form = h(
    'form',
    { class: 'filters audit-filters', role: 'search', 'aria-label': 'Filter the audit log' },
    keyField.wrapper,
    actionField.wrapper,
    h('button', { type: 'submit' }, 'Filter'),
  );
  const section = h('section', { 'aria-label': 'Audit events' });
  main.append(form, section);
  const show = () => auditList(section, keyId.value.trim() || undefined, keyField, action.value || undefined);
  const apply = () => {
    keepInUrl('/audit', { action: action.value, key: keyId.value.trim() });
    show();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  action.addEventListener('change', apply);
  // Names for the ids in the log: one page of the newest keys is enough for most tenants.
  await api.listKeys({ limit: '100' }).then(
    (page) => rememberKeys(page.items),
    () => undefined,
  );
  show();
}

const auditColumns = ['When', 'Action', 'Key', 'Actor', 'Source IP', 'Outcome', 'Details'];

/** The events of key `keyId`, or of every key, newest first, in `section`. The audit API filters by key only: `action` is applied here. */
export function auditList(section: HTMLElement, keyId?: string, filterField?: { setError(message: string | null): void }, action?: string) {
  const heading = section.querySelector('h2');
  const results = h('div', { 'aria-live': 'polite' });
  section.replaceChildren(...(heading ? [heading] : []), results);
  const rows = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary' }, 'Load more events');
  let cursor: string | null = null;
  let shown = 0;
  const load = async () => {
    results.setAttribute('aria-busy', 'true');
    const spinner = loading('audit events');
    if (shown === 0) results.replaceChildren(spinner);
    else more.replaceWith(spinner);
    filterField?.setError(null);
    try {
      const page = await api.audit({ keyId, limit: '50', cursor: cursor ?? undefined });
      cursor = page.nextCursor;
      const items = action ? page.items.filter((event) => event.action === action) : page.items;
      shown += items.length;
      rows.append(...items.map(auditRow));
      const what = [action ? `${action} events` : 'Events', keyId ? `of key ${keyName(keyId) ?? keyId}` : null].filter(Boolean).join(' ');
      if (shown === 0) {
        const none =
          action || keyId
            ? `No ${what.toLowerCase().replace(/^events/, 'audit events')} ${cursor ? 'in the events loaded so far' : 'yet'}.`
            : 'No audit events yet.';
        results.replaceChildren(h('p', { class: 'empty' }, none));
      } else {
        results.replaceChildren(
          h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'stack' },
              h('caption', {}, action || keyId ? `${what}, newest first` : 'Audit events, newest first'),
              h('thead', {}, h('tr', {}, ...auditColumns.map((label) => h('th', { scope: 'col' }, label)))),
              rows,
            ),
          ),
        );
      }
      if (cursor) results.append(more);
    } catch (error) {
      if (filterField && error instanceof ApiError && error.status === 400) {
        filterField.setError(messageOf(error));
        results.replaceChildren();
      } else results.replaceChildren(errorBox(error, () => void load()));
    } finally {
      results.removeAttribute('aria-busy');
    }
  };
  more.addEventListener('click', () => void load());
  void load();
}

/** `{reason: "x", gracePeriodSeconds: 300}` as "Reason: x; grace period seconds: 300". */
function readable(details: Record<string, unknown>): string {
  const words = (name: string) =>
    name
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/_/g, ' ')
      .toLowerCase();
  const value = (v: unknown): string =>
    v === null || v === undefined
      ? 'none'
      : Array.isArray(v)
        ? v.length
          ? v.map(value).join(', ')
          : 'none'
        : typeof v === 'object'
          ? Object.entries(v)
              .map(([k, x]) => `${words(k)} ${value(x)}`)
              .join(', ')
          : typeof v === 'boolean'
            ? v
              ? 'yes'
              : 'no'
            : String(v);
  const text = Object.entries(details)
    .map(([k, v]) => `${words(k)}: ${value(v)}`)
    .join('; ');
  return text ? capitalised(text) : '';
}

/** A key id by its name when the console has seen it, the id otherwise. */
function keyLabel(id: string) {
  const name = keyName(id);
  return name ? h('span', { title: id }, name) : h('span', { class: 'mono' }, id);
}

/** A person by their e-mail (or name), a key by its name: the id is in the tooltip. */
function actorLabel(event: AuditEvent) {
  if (event.actorType === 'person') return h('span', { title: event.actor }, event.actorEmail ?? event.actorName ?? event.actor);
  if (event.actorType === 'unauthenticated') return h('span', { class: 'mono' }, event.actor);
  return keyLabel(event.actor);
}

function auditRow(event: AuditEvent) {
  const cell = (index: number, ...children: (Node | string)[]) => h('td', { 'data-label': auditColumns[index]! }, ...children);
  return h(
    'tr',
    {},
    cell(0, timeElement(event.at)),
    cell(1, h('code', {}, event.action)),
    cell(2, event.keyId ? h('a', { href: `#/keys/${encodeURIComponent(event.keyId)}` }, keyLabel(event.keyId)) : ''),
    cell(3, actorLabel(event)),
    cell(4, event.sourceIp ?? ''),
    cell(5, badge(event.outcome, event.outcome === 'success' ? 'active' : 'revoked')),
    cell(6, readable(event.details)),
  );
}
