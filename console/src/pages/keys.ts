import { api, ApiError, can, isCreator, type KeyQuery, type KeyView } from '../api.ts';
import { createKeyDialog } from '../dialogs/create-key.ts';
import { field, h, timeElement } from '../dom.ts';
import { messageOf } from '../errors.ts';
import {
  capitalised,
  errorBox,
  expiryCell,
  keepInUrl,
  loading,
  pageTitle,
  pendingNotice,
  readOnlyNotice,
  statusBadge,
  typeCell,
} from '../page.ts';
import { rememberKeys } from '../state.ts';

/** The filters and the page of results, kept while the console shows other pages; `cursors[n]` starts page n. */
const view = {
  search: '',
  type: '' as KeyQuery['type'] | '',
  status: '' as KeyQuery['status'] | '',
  sort: 'newest',
  owner: '',
  cursors: [null] as (string | null)[],
  page: 0,
};

const select = (name: string, all: string, values: string[], selected: string) =>
  h(
    'select',
    { name },
    ...['', ...values].map((value) => h('option', { value, selected: selected === value }, value ? capitalised(value) : all)),
  );

/** The keys, filtered and sorted as the address says, a page of 25 at a time. */
export function keysPage(main: HTMLElement, query: URLSearchParams) {
  const createButton =
    can('keys:write') || can('keys:create') ? h('button', { type: 'button', onclick: createKeyDialog }, 'Create key') : null;
  // A creator sees only the keys they own.
  pageTitle(main, isCreator() ? 'My keys' : 'API keys', ...(createButton ? [createButton] : []));
  main.append(...[pendingNotice(), readOnlyNotice()].filter((part) => part !== null));
  const fromUrl = {
    search: query.get('search') ?? '',
    type: query.get('type') ?? '',
    status: query.get('status') ?? '',
    sort: query.get('order') === 'asc' ? 'oldest' : 'newest',
    owner: query.get('owner') ?? '',
  };
  // Other filters in the address start from the first page; the same ones keep the page shown last.
  if (Object.entries(fromUrl).some(([name, value]) => view[name as keyof typeof fromUrl] !== value)) {
    Object.assign(view, fromUrl, { cursors: [null], page: 0 });
  }

  const search = h('input', { type: 'search', name: 'search', value: view.search, placeholder: 'billing-sync or kw_…' });
  const type = select('type', 'All types', ['system', 'privileged', 'viewer', 'client'], view.type ?? '');
  const status = select('status', 'All statuses', ['active', 'disabled', 'revoked', 'expired'], view.status ?? '');
  const sort = h(
    'select',
    { name: 'sort' },
    h('option', { value: 'newest', selected: view.sort === 'newest' }, 'Newest first'),
    h('option', { value: 'oldest', selected: view.sort === 'oldest' }, 'Oldest first'),
  );
  const owner = h('input', { type: 'text', name: 'owner', value: view.owner, autocomplete: 'off', spellcheck: 'false' });
  const searchField = field('Search by name or key', search);
  const ownerField = field('Owner', owner);
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter keys' },
    searchField.wrapper,
    field('Type', type).wrapper,
    field('Status', status).wrapper,
    ownerField.wrapper,
    field('Sort by created', sort).wrapper,
    h('button', { type: 'submit' }, 'Search'),
  );
  const results = h('section', { 'aria-label': 'Keys', 'aria-live': 'polite' });
  main.append(filters, results);

  const reset = () => {
    view.search = search.value.trim();
    view.type = type.value as typeof view.type;
    view.status = status.value as typeof view.status;
    view.sort = sort.value;
    view.owner = owner.value.trim();
    view.cursors = [null];
    view.page = 0;
    keepInUrl('/keys', {
      search: view.search,
      type: view.type ?? '',
      status: view.status ?? '',
      owner: view.owner,
      order: view.sort === 'oldest' ? 'asc' : '',
    });
    void load();
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    reset();
  });
  for (const control of [type, status, sort]) control.addEventListener('change', reset);

  async function load() {
    results.setAttribute('aria-busy', 'true');
    results.replaceChildren(loading('keys'));
    searchField.setError(null);
    ownerField.setError(null);
    try {
      const page = await api.listKeys({
        search: view.search || undefined,
        type: view.type || undefined,
        status: view.status || undefined,
        ownerId: view.owner || undefined,
        order: view.sort === 'oldest' ? 'asc' : 'desc',
        limit: '25',
        cursor: view.cursors[view.page] ?? undefined,
      });
      view.cursors[view.page + 1] = page.nextCursor;
      rememberKeys(page.items);
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

  const clearFilters = () => {
    for (const control of [search, type, status, owner]) control.value = '';
    reset();
  };

  function keysTable(items: KeyView[], nextCursor: string | null) {
    const filtered = view.search || view.type || view.status || view.owner;
    if (items.length === 0) {
      return h(
        'div',
        { class: 'empty' },
        h('p', {}, filtered ? 'No keys match these filters.' : 'No keys yet.'),
        filtered ? h('button', { type: 'button', class: 'secondary', onclick: clearFilters }, 'Clear filters') : null,
      );
    }
    const table = h(
      'table',
      { class: 'stack' },
      h('caption', {}, `Keys, page ${view.page + 1}, ${view.sort === 'oldest' ? 'oldest' : 'newest'} first`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Name', 'Key', 'Type', 'Status', 'Created', 'Last used', 'Expires'].map((label) => h('th', { scope: 'col' }, label)),
        ),
      ),
      h(
        'tbody',
        {},
        ...items.map((key) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row', 'data-label': 'Name' }, h('a', { href: `#/keys/${encodeURIComponent(key.id)}` }, key.name)),
            h('td', { class: 'mono', 'data-label': 'Key' }, key.preview),
            h('td', { 'data-label': 'Type' }, ...typeCell(key)),
            h('td', { 'data-label': 'Status' }, statusBadge(key.status)),
            h('td', { 'data-label': 'Created' }, timeElement(key.createdAt)),
            h('td', { 'data-label': 'Last used' }, timeElement(key.lastUsedAt)),
            h('td', { 'data-label': 'Expires' }, ...expiryCell(key)),
          ),
        ),
      ),
    );
    const turn = (by: number) => () => {
      view.page += by;
      void load();
    };
    const pager = h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages of keys' },
      h('button', { type: 'button', class: 'secondary', disabled: view.page === 0, onclick: turn(-1) }, 'Previous page'),
      h('span', {}, `Page ${view.page + 1}`),
      h('button', { type: 'button', class: 'secondary', disabled: !nextCursor, onclick: turn(1) }, 'Next page'),
    );
    return h('div', {}, h('div', { class: 'table-wrap' }, table), pager);
  }

  void load();
}
