import { api, type Person } from '../api.ts';
import { h, timeElement } from '../dom.ts';
import { messageOf } from '../errors.ts';
import { errorBox, loading, pageTitle, pendingNotice } from '../page.ts';
import { redraw, setNotice } from '../state.ts';

const columns = ['Person', 'Role', 'Last seen', 'Signed out', ''];

/** Everyone who has signed in to the tenant (keys:admin), with a sign-out that ends their tokens at once. */
export async function peoplePage(main: HTMLElement) {
  pageTitle(main, 'People');
  const notice = pendingNotice();
  const busy = loading('the people');
  main.append(
    ...(notice ? [notice] : []),
    h(
      'p',
      {},
      'To offboard someone: remove them from your identity provider’s groups, sign them out here, then revoke their keys (Policy → Revoke keys, with their id as the owner).',
    ),
    busy,
  );
  let people: Person[];
  try {
    people = (await api.listPeople({ limit: '100' })).items;
  } catch (error) {
    busy.replaceWith(errorBox(error, redraw));
    return;
  }
  if (people.length === 0) {
    busy.replaceWith(h('p', { class: 'empty' }, 'Nobody has signed in with SSO yet.'));
    return;
  }
  const cell = (index: number, ...children: (Node | string)[]) => h('td', { 'data-label': columns[index]! }, ...children);
  busy.replaceWith(
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'stack' },
        h('caption', {}, 'People who have signed in, most recently seen first'),
        h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col' }, column)))),
        h(
          'tbody',
          {},
          ...people.map((person) =>
            h(
              'tr',
              {},
              cell(0, h('strong', {}, person.email ?? person.name ?? person.id), h('br'), h('span', { class: 'mono' }, person.id)),
              cell(1, person.role),
              cell(2, timeElement(person.lastSeenAt)),
              cell(3, person.signedOutAt ? timeElement(person.signedOutAt) : '-'),
              cell(4, signOutButton(person)),
            ),
          ),
        ),
      ),
    ),
  );
}

function signOutButton(person: Person) {
  const who = person.email ?? person.name ?? person.id;
  const button = h('button', { type: 'button', class: 'secondary', 'aria-label': `Sign out ${who}` }, 'Sign out');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await api.signOutPerson(person.id);
      setNotice(`Signed out ${who}: every token issued to them before now is refused.`);
    } catch (error) {
      setNotice(`Could not sign out ${who}: ${messageOf(error)}`);
    }
    redraw();
  });
  return button;
}
