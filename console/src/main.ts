import './style.css';
import { api, ApiError, can, currentSession, onSessionEnd, resumeSession, signIn, signOut, type AuditEvent, type CreateKeyInput, type KeyQuery, type KeyView, type TenantPolicy, type TenantUsage } from './api.ts';
import { copy, expiresSoon, field, formatTime, h, openDialog, relativeTime, timeElement, uid } from './dom.ts';
import { rangeQuery, usagePanel } from './chart.ts';
import { describeError } from './errors.ts';
import { InputError, usageForm, usageRows, type FieldTarget, type Problem } from './usage.ts';

const app = document.getElementById('app')!;
let flash: string | null = null;

// ---------- shell ----------

onSessionEnd((message) => {
  flash = message;
  if (location.hash && location.hash !== '#/') history.replaceState(null, '', location.pathname);
  render();
});
// Only `#/...` hashes are pages; others (the skip link's `#main`) are in-page anchors.
window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#/') || !location.hash) render();
  else document.getElementById('main')?.focus();
});

function render() {
  const session = currentSession();
  if (!session) return renderSignIn();
  const [route = '/keys', search = ''] = (location.hash.startsWith('#/') ? location.hash.slice(1) : '/keys').split('?');
  const query = new URLSearchParams(search);
  const main = h('main', { id: 'main', tabindex: -1 });
  const link = (href: string, label: string, active: boolean) => h('a', { href, 'aria-current': active ? 'page' : null }, label);
  app.replaceChildren(
    h('header', { class: 'top' },
      h('p', { class: 'brand' }, 'Keyward'),
      h('nav', { 'aria-label': 'Main' }, link('#/keys', 'Keys', route.startsWith('/keys')), link('#/usage', 'Usage', route.startsWith('/usage')), link('#/audit', 'Audit log', route.startsWith('/audit')), link('#/policy', 'Policy', route.startsWith('/policy'))),
      h('p', { class: 'who' }, 'Signed in as ', h('strong', {}, session.key.name), ` (${session.key.type}) · tenant ${session.key.tenant}`),
      h('button', { type: 'button', class: 'secondary', onclick: () => signOut('You signed out.') }, 'Sign out'),
    ),
    main,
  );
  const detail = /^\/keys\/([^/]+)$/.exec(route);
  if (detail) void keyDetailPage(main, decodeURIComponent(detail[1]!));
  else if (route.startsWith('/audit')) void auditPage(main, query);
  else if (route.startsWith('/policy')) void policyPage(main);
  else if (route.startsWith('/usage')) usagePage(main);
  else keysPage(main, query);
}

/** Puts a page's filters in the address, so the view can be bookmarked and reload restores it. */
function keepInUrl(path: string, filters: Record<string, string>) {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== '')).toString();
  const hash = `#${path}${query ? `?${query}` : ''}`;
  if (location.hash !== hash) history.pushState(null, '', hash);
}

const readOnlyNotice = () => (can('keys:write') ? null : h('p', { class: 'notice' }, 'Read-only: this key has no keys:write scope, so you can look but not create or change keys.'));

/** Names of the keys the console has seen, to show ids by name. */
const keyNames = new Map<string, string>();
const remember = (keys: { id: string; name: string }[]) => keys.forEach((key) => keyNames.set(key.id, key.name));
const keyLabel = (id: string) => {
  const name = keyNames.get(id);
  return name ? h('span', { title: id }, name) : h('span', { class: 'mono' }, id);
}

function pageTitle(main: HTMLElement, text: string, ...extra: Node[]) {
  document.title = `${text} · Keyward console`;
  const heading = h('h1', { tabindex: -1 }, text);
  main.append(h('div', { class: 'page-head' }, heading, ...extra));
  heading.focus();
  return heading;
}

const errorBox = (error: unknown, retry?: () => void) =>
  h('div', { class: 'error', role: 'alert' }, h('p', {}, messageOf(error)), retry ? h('button', { type: 'button', onclick: retry }, 'Try again') : null);

const messageOf = (error: unknown) =>
  error instanceof ApiError ? describeError(error.code, error.message) : error instanceof InputError ? error.message : 'Something went wrong in the console; reload the page and try again.';

const loading = (what: string) => h('p', { class: 'loading', role: 'status' }, `Loading ${what}…`);

const badge = (text: string, kind: string) => h('span', { class: `badge badge-${kind}` }, text);

const statusBadge = (status: string) => badge(status[0]!.toUpperCase() + status.slice(1), status);

const typeCell = (key: KeyView) => [key.type, key.type === 'system' ? [' ', badge('Protected', 'protected')] : null];

const expiryCell = (key: KeyView) => [timeElement(key.expiresAt), expiresSoon(key) ? [' ', badge('Expires soon', 'soon')] : null];

// ---------- sign in ----------

function renderSignIn() {
  document.title = 'Sign in · Keyward console';
  const input = h('input', { type: 'password', name: 'apiKey', autocomplete: 'off', spellcheck: 'false', required: true, class: 'mono' });
  const apiKey = field('API key', input, 'Paste a Keyward API key. The console exchanges it for a short-lived token and never stores the key.');
  const button = h('button', { type: 'submit' }, 'Sign in');
  const notice = flash ? h('p', { class: 'notice', role: 'status' }, flash) : null;
  flash = null;
  const form = h('form', { class: 'card signin', novalidate: true }, h('h1', {}, 'Sign in to Keyward'), notice, apiKey.wrapper, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) return apiKey.setError('Paste an API key to sign in.'), input.focus();
    apiKey.setError(null);
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      await signIn(value);
      input.value = '';
      location.hash = '#/keys';
      render();
    } catch (error) {
      input.value = '';
      button.disabled = false;
      button.textContent = 'Sign in';
      apiKey.setError(messageOf(error));
      input.focus();
    }
  });
  app.replaceChildren(h('main', { id: 'main', tabindex: -1, class: 'center' }, form));
  input.focus();
}

// ---------- keys ----------

const keysState = { search: '', type: '' as KeyQuery['type'] | '', status: '' as KeyQuery['status'] | '', sort: 'newest', owner: '', cursors: [null] as (string | null)[], page: 0 };

function keysPage(main: HTMLElement, query: URLSearchParams) {
  const createButton = can('keys:write') ? h('button', { type: 'button', onclick: () => createKeyDialog() }, 'Create key') : null;
  pageTitle(main, 'API keys', ...(createButton ? [createButton] : []));
  if (flashMessage) main.append(h('p', { class: 'notice', role: 'status' }, flashMessage));
  flashMessage = null;
  const notice = readOnlyNotice();
  if (notice) main.append(notice);
  const fromUrl = { search: query.get('search') ?? '', type: query.get('type') ?? '', status: query.get('status') ?? '', sort: query.get('order') === 'asc' ? 'oldest' : 'newest', owner: query.get('owner') ?? '' };
  if (fromUrl.search !== keysState.search || fromUrl.type !== keysState.type || fromUrl.status !== keysState.status || fromUrl.sort !== keysState.sort || fromUrl.owner !== keysState.owner) {
    Object.assign(keysState, fromUrl, { cursors: [null], page: 0 });
  }

  const search = h('input', { type: 'search', name: 'search', value: keysState.search, placeholder: 'billing-sync or kw_…' });
  const type = h('select', { name: 'type' }, ...['', 'system', 'privileged', 'viewer'].map((v) => h('option', { value: v, selected: keysState.type === v }, v ? v[0]!.toUpperCase() + v.slice(1) : 'All types')));
  const status = h('select', { name: 'status' }, ...['', 'active', 'disabled', 'revoked', 'expired'].map((v) => h('option', { value: v, selected: keysState.status === v }, v ? v[0]!.toUpperCase() + v.slice(1) : 'All statuses')));
  const sort = h('select', { name: 'sort' }, h('option', { value: 'newest', selected: keysState.sort === 'newest' }, 'Newest first'), h('option', { value: 'oldest', selected: keysState.sort === 'oldest' }, 'Oldest first'));
  const owner = h('input', { type: 'text', name: 'owner', value: keysState.owner, autocomplete: 'off', spellcheck: 'false' });
  const searchField = field('Search by name or key', search);
  const ownerField = field('Owner', owner);
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter keys' },
    searchField.wrapper, field('Type', type).wrapper, field('Status', status).wrapper, ownerField.wrapper, field('Sort by created', sort).wrapper,
    h('button', { type: 'submit' }, 'Search'));
  const results = h('section', { 'aria-label': 'Keys', 'aria-live': 'polite' });
  main.append(filters, results);

  const reset = () => {
    keysState.search = search.value.trim();
    keysState.type = type.value as typeof keysState.type;
    keysState.status = status.value as typeof keysState.status;
    keysState.sort = sort.value;
    keysState.owner = owner.value.trim();
    keysState.cursors = [null];
    keysState.page = 0;
    keepInUrl('/keys', { search: keysState.search, type: keysState.type ?? '', status: keysState.status ?? '', owner: keysState.owner, order: keysState.sort === 'oldest' ? 'asc' : '' });
    void load();
  };
  filters.addEventListener('submit', (event) => (event.preventDefault(), reset()));
  for (const select of [type, status, sort]) select.addEventListener('change', reset);

  async function load() {
    results.setAttribute('aria-busy', 'true');
    results.replaceChildren(loading('keys'));
    searchField.setError(null);
    ownerField.setError(null);
    try {
      const order = keysState.sort === 'oldest' ? 'asc' : 'desc';
      const page = await api.listKeys({ search: keysState.search || undefined, type: keysState.type || undefined, status: keysState.status || undefined, ownerId: keysState.owner || undefined, order, limit: '25', cursor: keysState.cursors[keysState.page] ?? undefined });
      keysState.cursors[keysState.page + 1] = page.nextCursor;
      remember(page.items);
      results.replaceChildren(keysTable(page.items, page.nextCursor));
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        (error.details.some((d) => d.path === 'ownerId') ? ownerField : searchField).setError(messageOf(error));
        results.replaceChildren();
      } else results.replaceChildren(errorBox(error, () => void load()));
    } finally {
      results.removeAttribute('aria-busy');
    }
  }

  function keysTable(items: KeyView[], nextCursor: string | null) {
    const filtered = keysState.search || keysState.type || keysState.status || keysState.owner;
    if (items.length === 0) {
      return h('div', { class: 'empty' },
        h('p', {}, filtered ? 'No keys match these filters.' : 'No keys yet.'),
        filtered ? h('button', { type: 'button', class: 'secondary', onclick: () => { search.value = ''; type.value = ''; status.value = ''; owner.value = ''; reset(); } }, 'Clear filters') : null);
    }
    const table = h('table', { class: 'stack' },
      h('caption', {}, `Keys, page ${keysState.page + 1}, ${keysState.sort === 'oldest' ? 'oldest' : 'newest'} first`),
      h('thead', {}, h('tr', {}, ...['Name', 'Key', 'Type', 'Status', 'Created', 'Last used', 'Expires'].map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, ...items.map((key) => h('tr', {},
        h('th', { scope: 'row', 'data-label': 'Name' }, h('a', { href: `#/keys/${encodeURIComponent(key.id)}` }, key.name)),
        h('td', { class: 'mono', 'data-label': 'Key' }, key.preview),
        h('td', { 'data-label': 'Type' }, ...typeCell(key).flat()),
        h('td', { 'data-label': 'Status' }, statusBadge(key.status)),
        h('td', { 'data-label': 'Created' }, timeElement(key.createdAt)),
        h('td', { 'data-label': 'Last used' }, timeElement(key.lastUsedAt)),
        h('td', { 'data-label': 'Expires' }, ...expiryCell(key).flat()),
      ))),
    );
    const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of keys' },
      h('button', { type: 'button', class: 'secondary', disabled: keysState.page === 0, onclick: () => { keysState.page--; void load(); } }, 'Previous page'),
      h('span', {}, `Page ${keysState.page + 1}`),
      h('button', { type: 'button', class: 'secondary', disabled: !nextCursor, onclick: () => { keysState.page++; void load(); } }, 'Next page'));
    return h('div', {}, h('div', { class: 'table-wrap' }, table), pager);
  }

  void load();
}

// ---------- create / secrets ----------

/**
 * Shows a secret in a dialog's body: the full API key (wrapped, with focus on it), copy buttons,
 * and, for a secret shown only once, a guard that asks before Escape closes the dialog.
 */
function showSecret(body: HTMLElement, options: { title: string; keyId: string; apiKey: string; keySecret?: string; once: boolean; actions: (Node | null)[] }) {
  const dialog = body.closest('dialog')!;
  const status = h('p', { role: 'status', class: 'copied' });
  const copyButton = (label: string, text: string, what: string) => h('button', { type: 'button', class: 'secondary', onclick: () => void copy(text, status, what) }, label);
  const row = (label: string, value: string, whole: boolean, ...buttons: HTMLButtonElement[]) => {
    const control = whole
      ? h('textarea', { readonly: true, rows: 2, class: 'mono secret-value', spellcheck: 'false', autocomplete: 'off' }, value)
      : h('input', { type: 'text', readonly: true, value, class: 'mono', spellcheck: 'false' });
    const f = field(label, control);
    f.wrapper.classList.add('secret-row');
    if (whole) f.wrapper.classList.add('whole');
    f.wrapper.append(h('div', { class: 'copy-buttons' }, ...buttons));
    return f;
  };
  const apiKeyRow = row('API key', options.apiKey, true, copyButton('Copy API key', options.apiKey, 'API key'),
    copyButton('Copy as environment variable', `KEYWARD_API_KEY=${options.apiKey}`, 'Environment variable'));
  const keepOpen = h('button', { type: 'button', class: 'secondary' }, 'Keep it open');
  const ask = h('div', { class: 'warning confirm-close', hidden: true },
    h('p', { role: 'alert' }, 'The secret will not be shown again. Close anyway?'),
    h('div', { class: 'actions' }, keepOpen, h('button', { type: 'button', class: 'danger', onclick: () => dialog.close() }, 'Close anyway')));
  body.replaceChildren(h('div', { class: 'secret' },
    h('h2', {}, options.title),
    h('p', { class: 'warning', role: 'alert' }, h('strong', {}, 'Copy the secret now. '),
      options.once ? 'It is shown only this once: Keyward keeps only a hash of it and cannot show it again.' : 'Anyone who sees it can use the key; close this when you are done.'),
    row('Key ID', options.keyId, false, copyButton('Copy Key ID', options.keyId, 'Key ID')).wrapper,
    apiKeyRow.wrapper,
    options.keySecret ? row('Key secret', options.keySecret, true, copyButton('Copy Key secret', options.keySecret, 'Key secret')).wrapper : null,
    status),
  ask,
  h('div', { class: 'actions' }, ...options.actions));
  const focusKey = () => apiKeyRow.control.focus();
  keepOpen.addEventListener('click', () => { ask.hidden = true; focusKey(); });
  if (options.once) {
    // Escape fires `cancel`: the first one asks (the key keeps focus), a second one closes.
    dialog.addEventListener('cancel', (event) => {
      if (!ask.hidden) return;
      event.preventDefault();
      ask.hidden = false;
      focusKey();
    });
  }
  focusKey();
}

function dialogShell(title: string) {
  const titleId = uid('dialog-title');
  const dialog = h('dialog', { 'aria-labelledby': titleId });
  const body = h('div', { class: 'dialog-body' });
  dialog.append(h('h2', { id: titleId }, title), body);
  return { dialog, body };
}

function formError() {
  return h('div', { class: 'error', role: 'alert', hidden: true });
}

/** The field for a detail's path: the longest path prefix that names one (`credits.refill.amount`, then `credits.refill`, …). */
function fieldFor(fields: Record<string, FieldTarget>, path: string) {
  const parts = path.split('.');
  for (let length = parts.length; length > 0; length--) {
    const target = fields[parts.slice(0, length).join('.')];
    if (target) return { target, rest: parts.slice(length).join('.') };
  }
  return undefined;
}

function showFormError(box: HTMLElement, error: unknown, fields: Record<string, FieldTarget> = {}) {
  for (const f of new Set(Object.values(fields))) f.setError(null);
  let placed = false;
  const details: Problem[] = error instanceof ApiError || error instanceof InputError ? error.details : [];
  const messages = new Map<FieldTarget['setError'], string[]>();
  for (const detail of details) {
    const found = fieldFor(fields, detail.path);
    if (!found) continue;
    const { target, rest } = found;
    const message = rest && target.item ? `${target.item(rest)}: ${detail.message}` : detail.message;
    messages.set(target.setError, [...(messages.get(target.setError) ?? []), message]);
  }
  for (const [setError, list] of messages) (setError(list.join('; ')), (placed = true));
  box.hidden = false;
  box.replaceChildren(h('p', {}, messageOf(error)));
  if (placed) {
    box.classList.add('with-fields');
    box.closest('form')?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }
}

function createKeyDialog() {
  const { dialog, body } = dialogShell('Create an API key');
  const name = field('Name', h('input', { type: 'text', name: 'name', required: true, maxlength: 100, autocomplete: 'off' }));
  const typeGroup = h('fieldset', {}, h('legend', {}, 'Type'),
    h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'type', value: 'privileged', checked: true }), ' Privileged: reads and manages keys (server-to-server, admins)'),
    h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'type', value: 'viewer' }), ' Viewer: reads only (bots, channels, partners)'));
  const scopeList = h('datalist', { id: uid('scope-list') });
  const scopes = field('Scopes', h('input', { type: 'text', name: 'scopes', autocomplete: 'off', class: 'mono', list: scopeList.id }), 'Optional, separated by spaces or commas, e.g. orders:read reports:write');
  scopes.wrapper.append(scopeList);
  const description = field('Description', h('textarea', { name: 'description', rows: 2 }));
  const expiry = expiryField();
  const recoverable = h('input', { type: 'checkbox', name: 'recoverable', id: uid('recoverable') });
  const usage = usageForm();
  const errors = formError();
  const submit = h('button', { type: 'submit' }, 'Create key');
  const form = h('form', { novalidate: true, method: 'dialog' },
    name.wrapper, typeGroup, scopes.wrapper, description.wrapper, expiry.element,
    h('div', { class: 'field checkbox' }, recoverable, h('label', { for: recoverable.id }, 'Recoverable: admins can reveal the secret later')),
    usage.element,
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'), submit));
  body.append(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const input: CreateKeyInput = {
        name: name.control.value.trim(),
        type: (form.elements.namedItem('type') as RadioNodeList).value as CreateKeyInput['type'],
        scopes: scopes.control.value.split(/[\s,]+/).filter(Boolean),
        description: description.control.value.trim(),
        recoverable: recoverable.checked,
        ...usage.forCreate(),
      };
      Object.assign(input, expiry.forCreate());
      const created = await api.createKey(input);
      showSecret(body, {
        title: `Key “${created.key.name}” created`, keyId: created.key.id, apiKey: created.apiKey, keySecret: created.keySecret, once: true,
        actions: [h('a', { class: 'button secondary', href: `#/keys/${encodeURIComponent(created.key.id)}`, onclick: () => dialog.close() }, 'Open key'),
          h('button', { type: 'button', onclick: () => dialog.close() }, 'Done')],
      });
      dialog.addEventListener('close', () => render());
    } catch (error) {
      showFormError(errors, error, { name, scopes, description, expiresInDays: expiry.target(), expiresAt: expiry.target(), ...usage.fieldErrors });
      submit.disabled = false;
    }
  });
  openDialog(dialog);
  void suggestScopes(scopes.control, scopeList);
}

/** Suggests the scopes the tenant's keys already use, after what is typed so far (scopes are separated by spaces or commas). */
async function suggestScopes(input: HTMLInputElement, list: HTMLDataListElement) {
  let known: string[];
  try {
    const page = await api.listKeys({ limit: '100' });
    known = [...new Set(page.items.flatMap((key) => key.scopes))].sort();
  } catch {
    return; // Suggestions are a help, not a need.
  }
  const update = () => {
    const prefix = input.value.replace(/[^\s,]*$/, '');
    const chosen = prefix.split(/[\s,]+/).filter(Boolean);
    list.replaceChildren(...known.filter((scope) => !chosen.includes(scope)).map((scope) => h('option', { value: prefix + scope })));
  };
  input.addEventListener('input', update);
  update();
}

const DAY_MS = 86_400_000;

/** The expiry of a new key: 7, 30 or 90 days, a date, or never, within the tenant policy's limits. */
function expiryField() {
  const presets = [{ value: '7', label: 'In 7 days' }, { value: '30', label: 'In 30 days' }, { value: '90', label: 'In 90 days' }, { value: 'date', label: 'On a date' }, { value: 'never', label: 'Never' }];
  const baseHint = 'When the key stops working.';
  const preset = field('Expires', h('select', { name: 'expiry' }, ...presets.map((p) => h('option', { value: p.value, selected: p.value === 'never' }, p.label))), baseHint);
  const hint = preset.wrapper.querySelector<HTMLElement>('.hint')!;
  const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
  const date = field('Expiry date', h('input', { type: 'date', name: 'expiresAt', min: day(1), max: day(3650) }), 'The key stops working at the start of this day (UTC).');
  date.wrapper.hidden = true;
  preset.control.addEventListener('change', () => (date.wrapper.hidden = preset.control.value !== 'date'));

  void api.getPolicy().then((policy) => {
    const reasons: string[] = [];
    const max = policy.maxLifetimeDays;
    for (const option of preset.control.options) {
      const days = Number(option.value);
      option.disabled = (option.value === 'never' && (policy.requireExpiry || max !== null)) || (max !== null && days > max);
    }
    if (policy.requireExpiry) reasons.push('every key must expire');
    if (max !== null) {
      reasons.push(`keys may live at most ${max} days`);
      date.control.max = day(max);
    }
    if (reasons.length) hint.textContent = `${baseHint} The tenant policy says ${reasons.join(' and ')}, so longer choices are turned off.`;
    if (preset.control.selectedOptions[0]?.disabled) {
      const allowed = [...preset.control.options].filter((o) => !o.disabled && o.value !== 'date');
      preset.control.value = allowed.at(-1)?.value ?? 'date';
      date.wrapper.hidden = preset.control.value !== 'date';
    }
  }, () => undefined); // Without the policy, the API still refuses what breaks it.

  return {
    element: h('div', {}, preset.wrapper, date.wrapper),
    /** Where an error about the expiry belongs. */
    target: () => (preset.control.value === 'date' ? date : preset),
    forCreate(): Pick<CreateKeyInput, 'expiresInDays' | 'expiresAt'> {
      const value = preset.control.value;
      if (value === 'never') return {};
      if (value === 'date') {
        if (!date.control.value) throw new InputError([{ path: 'expiresAt', message: 'Pick the expiry date.' }]);
        return { expiresAt: `${date.control.value}T00:00:00.000Z` };
      }
      return { expiresInDays: Number(value) };
    },
  };
}

/** A dialog that asks before an action and shows the API's error inside it if it fails. */
function confirmDialog(options: {
  title: string;
  text: string;
  confirm: string;
  danger?: boolean;
  fields?: HTMLElement[];
  /** Fields by request path, so an API error lands next to the field that caused it. */
  fieldErrors?: Record<string, FieldTarget>;
  /** The confirm button is enabled only while this holds. */
  ready?: () => boolean;
  run: () => Promise<void>;
}) {
  const { dialog, body } = dialogShell(options.title);
  const errors = formError();
  const submit = h('button', { type: 'submit', class: options.danger ? 'danger' : '' }, options.confirm);
  const form = h('form', { novalidate: true }, h('p', {}, options.text), ...(options.fields ?? []), errors,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'), submit));
  const ready = () => options.ready?.() ?? true;
  submit.disabled = !ready();
  form.addEventListener('input', () => (submit.disabled = !ready()));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!ready()) return;
    submit.disabled = true;
    try {
      await options.run();
      if (dialog.open) dialog.close();
    } catch (error) {
      if (error instanceof KeepOpen) return;
      showFormError(errors, error, options.fieldErrors);
      submit.disabled = !ready();
    }
  });
  body.append(form);
  openDialog(dialog);
  return { dialog, body };
}

// ---------- key detail ----------

async function keyDetailPage(main: HTMLElement, id: string) {
  main.append(loading('the key'));
  let key: KeyView;
  try {
    key = await api.getKey(id);
  } catch (error) {
    main.replaceChildren();
    pageTitle(main, 'Key not available');
    main.append(errorBox(error, () => render()), h('p', {}, h('a', { href: '#/keys' }, 'Back to the keys')));
    return;
  }
  main.replaceChildren();
  remember([key]);
  pageTitle(main, key.name);
  const protectedKey = key.type === 'system';
  const live = key.status === 'active' || key.status === 'disabled';
  const actionStatus = h('div', { class: 'action-status', 'aria-live': 'polite' });
  const reload = (message?: string) => {
    flashMessage = message ?? null;
    render();
  };
  const usage = usageRows(key, () => api.getKey(key.id));
  const actions: (HTMLElement | null)[] = [];
  if (can('keys:write')) {
    if (!protectedKey && live) {
      const enable = key.status === 'disabled';
      const toggle = async () => {
        await api.updateKey(key.id, { enabled: enable });
        reload(enable ? 'Key enabled.' : 'Key disabled.');
      };
      actions.push(h('button', { type: 'button', class: 'secondary', onclick: async (event: Event) => {
        // Disabling stops a live integration: ask first. Enabling is harmless.
        if (!enable) return void confirmDialog({ title: `Disable “${key.name}”?`, text: 'The key stops authenticating until it is enabled again.', confirm: 'Disable key', danger: true, run: toggle });
        const button = event.currentTarget as HTMLButtonElement;
        button.disabled = true;
        try {
          await toggle();
        } catch (error) {
          button.disabled = false;
          actionStatus.replaceChildren(errorBox(error));
        }
      } }, enable ? 'Enable' : 'Disable'));
    }
    if (key.status !== 'revoked') actions.push(h('button', { type: 'button', class: 'secondary', onclick: () => editDialog(usage.latest()) }, 'Edit'));
    if (live) actions.push(h('button', { type: 'button', class: 'secondary', onclick: () => regenerateDialog(key) }, 'Regenerate'));
    if (!protectedKey && key.status !== 'revoked') actions.push(h('button', { type: 'button', class: 'secondary', onclick: () => revokeDialog(key) }, 'Revoke'));
    if (!protectedKey) actions.push(h('button', { type: 'button', class: 'danger', onclick: () => confirmDialog({
      title: `Delete “${key.name}”?`, text: 'The key is removed for good and stops working at once. This cannot be undone.', confirm: 'Delete key', danger: true,
      run: async () => { await api.deleteKey(key.id); flashMessage = `Key “${key.name}” deleted.`; location.hash = '#/keys'; },
    }) }, 'Delete'));
  }
  if (key.recoverable && can('keys:admin') && live) actions.push(h('button', { type: 'button', class: 'secondary', onclick: () => revealDialog(key) }, 'Reveal secret'));

  const notice = flashMessage ? h('p', { class: 'notice', role: 'status' }, flashMessage) : null;
  flashMessage = null;
  const row = (label: string, ...value: (Node | string)[]) => [h('dt', {}, label), h('dd', {}, ...value)];
  const parts: (HTMLElement | null)[] = [
    notice,
    readOnlyNotice(),
    expiresSoon(key) ? h('p', { class: 'warning' }, badge('Expires soon', 'soon'), ` This key expires ${relativeTime(key.expiresAt!)} (${formatTime(key.expiresAt)}).`) : null,
    protectedKey ? h('p', { class: 'notice' }, badge('Protected', 'protected'), ' This is the tenant’s system key: it cannot be disabled, revoked or deleted, only regenerated.') : null,
    actions.length ? h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Key actions' }, ...actions) : null,
    actionStatus,
    h('dl', { class: 'details' },
      ...row('Key ID', h('code', {}, key.id)),
      ...row('Preview', h('code', {}, key.preview)),
      ...row('Type', ...typeCell(key).flat().filter((x): x is string | HTMLElement => !!x)),
      ...row('Status', statusBadge(key.status)),
      ...row('Scopes', key.scopes.length ? h('ul', { class: 'scopes' }, ...key.scopes.map((s) => h('li', {}, h('code', {}, s)))) : 'None'),
      ...row('Description', key.description || 'None'),
      ...row('Recoverable', key.recoverable ? 'Yes' : 'No'),
      ...row('Created', timeElement(key.createdAt), ` by ${key.createdBy}`),
      ...row('Updated', timeElement(key.updatedAt)),
      ...row('Last used', timeElement(key.lastUsedAt)),
      ...row('Expires', ...expiryCell(key).flat().filter((x): x is string | HTMLElement => !!x)),
      ...(graceUntil?.keyId === key.id && Date.parse(graceUntil.until) > Date.now() ? row('Old secret works until', timeElement(graceUntil.until)) : []),
      ...usage.rows,
    ),
    h('section', { 'aria-labelledby': 'usage-title' }, h('h2', { id: 'usage-title' }, 'Usage'),
      usagePanel(`Uses of ${key.name}`, (range) => api.keyUsage(key.id, rangeQuery(range)), errorBox)),
  ];
  main.append(...parts.filter((part): part is HTMLElement => part !== null));
  const history = h('section', { 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'Status history'));
  main.append(history);
  auditList(history, key.id);
}

let flashMessage: string | null = null;
/** Until when a regenerated key's old secret works: the key view does not say, the regenerate answer's time does. */
let graceUntil: { keyId: string; until: string } | null = null;

function editDialog(key: KeyView) {
  const name = field('Name', h('input', { type: 'text', name: 'name', maxlength: 100, required: true, autocomplete: 'off' }));
  name.control.value = key.name;
  const description = field('Description', h('textarea', { name: 'description', rows: 2, maxlength: 500 }), 'Optional.');
  description.control.value = key.description;
  const scopes = field('Scopes', h('input', { type: 'text', name: 'scopes', autocomplete: 'off', class: 'mono' }), 'Custom scopes, separated by spaces or commas.');
  scopes.control.value = key.scopes.join(' ');
  const usage = usageForm(key);
  confirmDialog({
    title: `Edit “${key.name}”`, text: 'Change the name, the description, the custom scopes or the usage controls.', confirm: 'Save changes',
    fields: [name.wrapper, description.wrapper, scopes.wrapper, usage.element], fieldErrors: { name, description, scopes, ...usage.fieldErrors },
    run: async () => {
      await api.updateKey(key.id, {
        name: name.control.value.trim(),
        description: description.control.value,
        scopes: scopes.control.value.split(/[\s,]+/).filter(Boolean),
        // Only the controls that changed: sending unchanged credits would undo uses made meanwhile.
        ...usage.changes(),
      });
      flashMessage = 'Key updated.';
      render();
    },
  });
}

function regenerateDialog(key: KeyView) {
  const grace = field('Grace period in minutes', h('input', { type: 'number', name: 'grace', min: 0, max: 10080, value: 0, inputmode: 'numeric' }),
    'How long the old secret keeps working (0 to 10080, a week). 0 stops it at once.');
  const { body } = confirmDialog({
    title: `Regenerate “${key.name}”?`, text: 'A new secret is made for the same Key ID.', confirm: 'Regenerate', fields: [grace.wrapper], fieldErrors: { gracePeriodSeconds: grace },
    run: async () => {
      const minutes = Number(grace.control.value || '0');
      const answer = await api.regenerate(key.id, Math.round(minutes * 60));
      const dialog = body.closest('dialog')!;
      showSecret(body, { title: 'New secret', keyId: answer.key.id, apiKey: answer.apiKey, keySecret: answer.keySecret, once: true, actions: [h('button', { type: 'button', onclick: () => dialog.close() }, 'Done')] });
      dialog.addEventListener('close', () => render());
      flashMessage = minutes > 0 ? `Key regenerated; the old secret works for ${minutes} more minutes.` : 'Key regenerated; the old secret no longer works.';
      graceUntil = minutes > 0 ? { keyId: key.id, until: new Date(Date.now() + Math.round(minutes * 60) * 1000).toISOString() } : null;
      throw new KeepOpen();
    },
  });
}

class KeepOpen extends Error {}

function revokeDialog(key: KeyView) {
  const reason = field('Reason', h('textarea', { name: 'reason', rows: 2, maxlength: 500 }), 'Optional; written to the audit log.');
  confirmDialog({
    title: `Revoke “${key.name}”?`, text: 'A revoked key stops working at once, for good. This cannot be undone.', confirm: 'Revoke key', danger: true, fields: [reason.wrapper],
    run: async () => {
      await api.revoke(key.id, reason.control.value.trim());
      flashMessage = 'Key revoked.';
      render();
    },
  });
}

function revealDialog(key: KeyView) {
  const { body } = confirmDialog({
    title: `Reveal the secret of “${key.name}”?`, text: 'Revealing is written to the audit log. Make sure nobody is looking over your shoulder.', confirm: 'Reveal',
    run: async () => {
      const { apiKey } = await api.reveal(key.id);
      const dialog = body.closest('dialog')!;
      showSecret(body, { title: 'Secret revealed', keyId: key.id, apiKey, once: false, actions: [h('button', { type: 'button', onclick: () => dialog.close() }, 'Done')] });
      throw new KeepOpen();
    },
  });
}

// ---------- policy ----------

async function policyPage(main: HTMLElement) {
  pageTitle(main, 'Tenant policy');
  const admin = can('keys:admin');
  const session = currentSession()!;
  const notice = flashMessage ? h('p', { class: 'notice', role: 'status' }, flashMessage) : null;
  flashMessage = null;
  const busy = loading('the policy');
  main.append(...(notice ? [notice] : []), busy);
  let policy: TenantPolicy;
  try {
    policy = await api.getPolicy();
  } catch (error) {
    busy.replaceWith(errorBox(error, () => render()));
    return;
  }

  const lifetime = field('Longest key lifetime in days', h('input', { type: 'number', name: 'maxLifetimeDays', min: 1, max: 3650, step: 1, inputmode: 'numeric', disabled: !admin }),
    'New keys must expire within this many days (1 to 3650). Empty: no limit.');
  lifetime.control.value = policy.maxLifetimeDays === null ? '' : String(policy.maxLifetimeDays);
  const requireExpiry = h('input', { type: 'checkbox', name: 'requireExpiry', id: uid('require-expiry'), checked: policy.requireExpiry, disabled: !admin });
  const grace = field('Longest grace period in seconds', h('input', { type: 'number', name: 'maxGracePeriodSeconds', min: 0, max: 604_800, step: 1, inputmode: 'numeric', disabled: !admin }),
    'How long a regenerate may keep the old secret working (0 to 604800): 3600 is an hour, 604800 a week.');
  grace.control.value = String(policy.maxGracePeriodSeconds);
  const ips = field('Allowed IPs for every key', h('textarea', { name: 'allowedIps', rows: 4, class: 'mono', spellcheck: 'false', disabled: !admin }),
    'One IPv4 or IPv6 address or CIDR block per line: every use of every key must come from one of them, on top of each key’s own list. Include the addresses you manage keys from. Empty: any address.');
  ips.control.value = policy.allowedIps?.join('\n') ?? '';

  const errors = formError();
  let ipList: string[] = [];
  const fieldErrors: Record<string, FieldTarget> = {
    maxLifetimeDays: lifetime,
    maxGracePeriodSeconds: grace,
    allowedIps: { setError: ips.setError, item: (index) => `“${ipList[Number(index)] ?? `entry ${Number(index) + 1}`}”` },
  };
  const save = h('button', { type: 'submit' }, 'Save policy');
  const form = h('form', { class: 'card policy', novalidate: true, 'aria-label': 'Tenant policy' },
    admin ? null : h('p', { class: 'notice' }, 'Only a key with keys:admin can change the policy, so it is shown read-only here.'),
    lifetime.wrapper,
    h('div', { class: 'field checkbox' }, requireExpiry, h('label', { for: requireExpiry.id }, 'Every new key must have an expiry')),
    grace.wrapper,
    ips.wrapper,
    errors,
    admin ? h('div', { class: 'actions' }, save) : null);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!admin) return;
    save.disabled = true;
    try {
      const problems: Problem[] = [];
      if (lifetime.control.validity.badInput) problems.push({ path: 'maxLifetimeDays', message: 'must be a number' });
      if (grace.control.validity.badInput || grace.control.value.trim() === '') problems.push({ path: 'maxGracePeriodSeconds', message: 'enter a number of seconds (0 for no grace period)' });
      if (problems.length) throw new InputError(problems);
      ipList = ips.control.value.split('\n').map((line) => line.trim()).filter(Boolean);
      await api.putPolicy({
        maxLifetimeDays: lifetime.control.value.trim() === '' ? null : Number(lifetime.control.value),
        requireExpiry: requireExpiry.checked,
        maxGracePeriodSeconds: Number(grace.control.value),
        allowedIps: ipList.length ? ipList : null,
      });
      flashMessage = 'Policy saved.';
      render();
    } catch (error) {
      showFormError(errors, error, fieldErrors);
      save.disabled = false;
    }
  });
  busy.replaceWith(form);

  if (admin) {
    main.append(h('section', { class: 'danger-zone', 'aria-labelledby': 'revoke-all-title' },
      h('h2', { id: 'revoke-all-title' }, 'Revoke keys in bulk'),
      h('p', {}, 'Revoke every active or disabled key of this tenant at once, or only those of one owner or type: after a leak, or when a customer leaves. The system key is never revoked.'),
      h('button', { type: 'button', class: 'danger', onclick: () => revokeAllDialog(session.key.tenant) }, 'Revoke keys…')));
  }
}

function revokeAllDialog(tenant: string) {
  const reason = field('Reason', h('textarea', { name: 'reason', rows: 2, maxlength: 500, required: true }), 'Required; written to the audit log of every key revoked.');
  const owner = field('Only keys of this owner', h('input', { type: 'text', name: 'ownerId', maxlength: 128, autocomplete: 'off', spellcheck: 'false', class: 'mono' }), 'Optional.');
  const type = field('Only keys of this type', h('select', { name: 'type' }, h('option', { value: '' }, 'Privileged and viewer keys'), h('option', { value: 'privileged' }, 'Privileged keys'), h('option', { value: 'viewer' }, 'Viewer keys')));
  const confirm = field(`Type the tenant id, ${tenant}, to confirm`, h('input', { type: 'text', name: 'confirmTenant', autocomplete: 'off', spellcheck: 'false', class: 'mono' }),
    'The Revoke keys button works once it matches exactly.');
  confirmDialog({
    title: 'Revoke keys in bulk?', text: 'Every matching key stops working at once, for good. This cannot be undone.', confirm: 'Revoke keys', danger: true,
    fields: [reason.wrapper, owner.wrapper, type.wrapper, confirm.wrapper], fieldErrors: { reason, ownerId: owner, type },
    ready: () => confirm.control.value === tenant,
    run: async () => {
      const ownerId = owner.control.value.trim();
      const only = type.control.value as '' | 'privileged' | 'viewer';
      const { revoked } = await api.revokeAll({ reason: reason.control.value.trim(), ...(ownerId ? { ownerId } : {}), ...(only ? { type: only } : {}) });
      flashMessage = `Revoked ${revoked} key${revoked === 1 ? '' : 's'}.`;
      render();
    },
  });
}

// ---------- audit ----------

const auditActions = ['tenant.bootstrap', 'key.create', 'key.update', 'key.enable', 'key.disable', 'key.regenerate', 'key.revoke', 'key.delete', 'key.reveal', 'key.purge', 'key.expiring', 'authentication.failure', 'tenant.policy_update', 'tenant.revoke_all'];

async function auditPage(main: HTMLElement, query: URLSearchParams) {
  pageTitle(main, 'Audit log');
  const keyId = h('input', { type: 'text', name: 'keyId', autocomplete: 'off', class: 'mono', value: query.get('key') ?? '' });
  const action = h('select', { name: 'action' }, h('option', { value: '' }, 'All actions'), ...auditActions.map((a) => h('option', { value: a, selected: query.get('action') === a }, a)));
  const keyField = field('Filter by Key ID', keyId);
  const actionField = field('Action', action, 'Filters the events loaded so far, in the browser.');
  const form = h('form', { class: 'filters audit-filters', role: 'search', 'aria-label': 'Filter the audit log' }, keyField.wrapper, actionField.wrapper, h('button', { type: 'submit' }, 'Filter'));
  const section = h('section', { 'aria-label': 'Audit events' });
  main.append(form, section);
  const apply = () => {
    keepInUrl('/audit', { action: action.value, key: keyId.value.trim() });
    auditList(section, keyId.value.trim() || undefined, keyField, action.value || undefined);
  };
  form.addEventListener('submit', (event) => (event.preventDefault(), apply()));
  action.addEventListener('change', apply);
  // Names for the ids in the log: one page of the newest keys is enough for most tenants.
  await api.listKeys({ limit: '100' }).then((page) => remember(page.items), () => undefined);
  auditList(section, keyId.value.trim() || undefined, keyField, action.value || undefined);
}

/** The audit API filters by key only: `action` is applied to the loaded events here. */
function auditList(section: HTMLElement, keyId?: string, filterField?: { setError(message: string | null): void }, action?: string) {
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
      const what = [action ? `${action} events` : 'Events', keyId ? `of key ${keyNames.get(keyId) ?? keyId}` : null].filter(Boolean).join(' ');
      if (shown === 0) {
        results.replaceChildren(h('p', { class: 'empty' }, action || keyId ? `No ${what.toLowerCase().replace(/^events/, 'audit events')} ${cursor ? 'in the events loaded so far' : 'yet'}.` : 'No audit events yet.'));
        if (cursor) results.append(more);
      } else {
        results.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
          h('caption', {}, action || keyId ? `${what}, newest first` : 'Audit events, newest first'),
          h('thead', {}, h('tr', {}, ...auditColumns.map((label) => h('th', { scope: 'col' }, label)))),
          rows)));
        if (cursor) results.append(more);
      }
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

const auditColumns = ['When', 'Action', 'Key', 'Actor', 'Source IP', 'Outcome', 'Details'];

/** `{reason: "x", gracePeriodSeconds: 300}` as "Reason: x; grace period seconds: 300". */
function readable(details: Record<string, unknown>): string {
  const words = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  const value = (v: unknown): string =>
    v === null || v === undefined ? 'none' : Array.isArray(v) ? (v.length ? v.map(value).join(', ') : 'none')
      : typeof v === 'object' ? Object.entries(v).map(([k, x]) => `${words(k)} ${value(x)}`).join(', ') : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
  const text = Object.entries(details).map(([k, v]) => `${words(k)}: ${value(v)}`).join('; ');
  return text ? text[0]!.toUpperCase() + text.slice(1) : '';
}

function auditRow(event: AuditEvent) {
  const cell = (index: number, ...children: (Node | string)[]) => h('td', { 'data-label': auditColumns[index]! }, ...children);
  return h('tr', {},
    cell(0, timeElement(event.at)),
    cell(1, h('code', {}, event.action)),
    cell(2, event.keyId ? h('a', { href: `#/keys/${encodeURIComponent(event.keyId)}` }, keyLabel(event.keyId)) : ''),
    cell(3, keyLabel(event.actor)),
    cell(4, event.sourceIp ?? ''),
    cell(5, badge(event.outcome, event.outcome === 'success' ? 'active' : 'revoked')),
    cell(6, readable(event.details)));
}

// ---------- usage ----------

function usagePage(main: HTMLElement) {
  pageTitle(main, 'Usage');
  const topKeys = (answer: TenantUsage) => {
    remember(answer.topKeys.flatMap((k) => (k.name ? [{ id: k.keyId, name: k.name }] : [])));
    const section = h('section', { 'aria-labelledby': 'top-keys-title' }, h('h2', { id: 'top-keys-title' }, 'Most used keys'));
    if (answer.topKeys.length === 0) section.append(h('p', { class: 'empty' }, 'No key was used in this time.'));
    else section.append(h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('caption', {}, 'The 10 keys with the most valid uses'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Valid uses'))),
      h('tbody', {}, ...answer.topKeys.map((k) => h('tr', {},
        h('th', { scope: 'row', 'data-label': 'Key' }, k.name ? h('a', { href: `#/keys/${encodeURIComponent(k.keyId)}`, title: k.keyId }, k.name) : h('span', { class: 'mono' }, `${k.keyId} (deleted)`)),
        h('td', { 'data-label': 'Valid uses' }, new Intl.NumberFormat('en').format(k.valid))))))));
    return section;
  };
  main.append(h('section', { 'aria-label': 'Uses of every key' },
    usagePanel('Uses of every key', (range) => api.tenantUsage(rangeQuery(range)), errorBox, topKeys as (answer: never) => HTMLElement)));
}

// ---------- start ----------

resumeSession();
render();
