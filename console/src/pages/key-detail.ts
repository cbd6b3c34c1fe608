import { api, can, type KeyView } from '../api.ts';
import { rangeQuery, usagePanel } from '../chart.ts';
import {
  deleteDialog,
  disableDialog,
  editDialog,
  regenerateDialog,
  revealDialog,
  revokeDialog,
  setEnabled,
} from '../dialogs/key-actions.ts';
import { expiresSoon, formatTime, h, relativeTime, timeElement } from '../dom.ts';
import { badge, errorBox, expiryCell, loading, pageTitle, pendingNotice, readOnlyNotice, statusBadge, typeCell } from '../page.ts';
import { oldSecretWorksUntil, redraw, rememberKeys } from '../state.ts';
import { usageRows } from '../usage.ts';
import { auditList } from './audit.ts';

/** One key: what it is, what may be done with it, its usage and its history. */
export async function keyDetailPage(main: HTMLElement, id: string) {
  main.append(loading('the key'));
  let key: KeyView;
  try {
    key = await api.getKey(id);
  } catch (error) {
    main.replaceChildren();
    pageTitle(main, 'Key not available');
    main.append(errorBox(error, redraw), h('p', {}, h('a', { href: '#/keys' }, 'Back to the keys')));
    return;
  }
  main.replaceChildren();
  rememberKeys([key]);
  pageTitle(main, key.name);
  const usage = usageRows(key, () => api.getKey(key.id));
  const actionStatus = h('div', { class: 'action-status', 'aria-live': 'polite' });
  const actions = actionButtons(key, usage.latest, actionStatus);
  const row = (label: string, ...value: (Node | string)[]) => [h('dt', {}, label), h('dd', {}, ...value)];
  const graceUntil = oldSecretWorksUntil(key.id);
  main.append(
    ...[
      pendingNotice(),
      readOnlyNotice(),
      expiresSoon(key)
        ? h(
            'p',
            { class: 'warning' },
            badge('Expires soon', 'soon'),
            ` This key expires ${relativeTime(key.expiresAt!)} (${formatTime(key.expiresAt)}).`,
          )
        : null,
      key.type === 'system'
        ? h(
            'p',
            { class: 'notice' },
            badge('Protected', 'protected'),
            ' This is the tenant’s system key: it cannot be disabled, revoked or deleted, only regenerated.',
          )
        : null,
      actions.length ? h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Key actions' }, ...actions) : null,
      actionStatus,
      h(
        'dl',
        { class: 'details' },
        ...row('Key ID', h('code', {}, key.id)),
        ...row('Preview', h('code', {}, key.preview)),
        ...row('Type', ...typeCell(key)),
        ...row(
          'Status',
          statusBadge(key.status),
          ...(key.leakedAt ? [' ', badge('Leaked', 'revoked'), ' reported ', timeElement(key.leakedAt), ' (see the audit log)'] : []),
        ),
        ...row(
          'Scopes',
          key.scopes.length ? h('ul', { class: 'scopes' }, ...key.scopes.map((s) => h('li', {}, h('code', {}, s)))) : 'None',
        ),
        ...row('Description', key.description || 'None'),
        ...row('Recoverable', key.recoverable ? 'Yes' : 'No'),
        ...row('Created', timeElement(key.createdAt), ` by ${key.createdBy}`),
        ...row('Updated', timeElement(key.updatedAt)),
        ...row('Last used', timeElement(key.lastUsedAt)),
        ...row('Expires', ...expiryCell(key)),
        ...(graceUntil ? row('Old secret works until', timeElement(graceUntil)) : []),
        ...usage.rows,
      ),
      h(
        'section',
        { 'aria-labelledby': 'usage-title' },
        h('h2', { id: 'usage-title' }, 'Usage'),
        usagePanel(`Uses of ${key.name}`, (range) => api.keyUsage(key.id, rangeQuery(range)), errorBox),
      ),
    ].filter((part) => part !== null),
  );
  const history = h('section', { 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'Status history'));
  main.append(history);
  auditList(history, key.id);
}

/** The buttons for what the signed-in key may do with this key in its state; the system key is never disabled, revoked or deleted. */
function actionButtons(key: KeyView, latest: () => KeyView, actionStatus: HTMLElement) {
  const protectedKey = key.type === 'system';
  const live = key.status === 'active' || key.status === 'disabled';
  const button = (label: string, onclick: (event: Event) => void, kind = 'secondary') =>
    h('button', { type: 'button', class: kind, onclick }, label);
  const enable = async (event: Event) => {
    const clicked = event.currentTarget as HTMLButtonElement;
    clicked.disabled = true;
    try {
      await setEnabled(key, true);
    } catch (error) {
      clicked.disabled = false;
      actionStatus.replaceChildren(errorBox(error));
    }
  };
  const actions: HTMLButtonElement[] = [];
  if (can('keys:write') || can('keys:create')) {
    // Disabling stops a live integration: ask first. Enabling is harmless.
    if (!protectedKey && live) {
      actions.push(key.status === 'disabled' ? button('Enable', enable) : button('Disable', () => disableDialog(key)));
    }
    // The key as last read, so an edit starts from the credits left now.
    if (key.status !== 'revoked') actions.push(button('Edit', () => editDialog(latest())));
    if (live) actions.push(button('Regenerate', () => regenerateDialog(key)));
    if (!protectedKey && key.status !== 'revoked') actions.push(button('Revoke', () => revokeDialog(key)));
    if (!protectedKey) actions.push(button('Delete', () => deleteDialog(key), 'danger'));
  }
  if (key.recoverable && can('keys:admin') && live) actions.push(button('Reveal secret', () => revealDialog(key)));
  return actions;
}
