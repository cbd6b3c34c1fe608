import { api, type TenantUsage } from '../api.ts';
import { rangeQuery, usagePanel } from '../chart.ts';
import { h } from '../dom.ts';
import { errorBox, pageTitle } from '../page.ts';
import { rememberKeys } from '../state.ts';

/** Uses of every key of the tenant over time, and the keys used most. */
export function usagePage(main: HTMLElement) {
  pageTitle(main, 'Usage');
  main.append(
    h(
      'section',
      { 'aria-label': 'Uses of every key' },
      usagePanel('Uses of every key', (range) => api.tenantUsage(rangeQuery(range)), errorBox, topKeys),
    ),
  );
}

function topKeys(answer: TenantUsage) {
  rememberKeys(answer.topKeys.flatMap((k) => (k.name ? [{ id: k.keyId, name: k.name }] : [])));
  const section = h('section', { 'aria-labelledby': 'top-keys-title' }, h('h2', { id: 'top-keys-title' }, 'Most used keys'));
  if (answer.topKeys.length === 0) {
    section.append(h('p', { class: 'empty' }, 'No key was used in this time.'));
    return section;
  }
  section.append(
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'stack' },
        h('caption', {}, 'The 10 keys with the most valid uses'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Valid uses'))),
        h(
          'tbody',
          {},
          ...answer.topKeys.map((k) =>
            h(
              'tr',
              {},
              h(
                'th',
                { scope: 'row', 'data-label': 'Key' },
                k.name
                  ? h('a', { href: `#/keys/${encodeURIComponent(k.keyId)}`, title: k.keyId }, k.name)
                  : h('span', { class: 'mono' }, `${k.keyId} (deleted)`),
              ),
              h('td', { 'data-label': 'Valid uses' }, new Intl.NumberFormat('en').format(k.valid)),
            ),
          ),
        ),
      ),
    ),
  );
  return section;
}
