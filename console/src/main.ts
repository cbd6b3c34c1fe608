/** The console's shell: the header and nav, the page of the address, and the way back to sign-in on sign-out or expiry. */
import './style.css';
import { can, currentSession, isCreator, onSessionEnd, resumeSession, signInWithIdToken, signOut, type Session } from './api.ts';
import { h } from './dom.ts';
import { auditPage } from './pages/audit.ts';
import { keyDetailPage } from './pages/key-detail.ts';
import { keysPage } from './pages/keys.ts';
import { peoplePage } from './pages/people.ts';
import { policyPage } from './pages/policy.ts';
import { signInPage } from './pages/sign-in.ts';
import { usagePage } from './pages/usage.ts';
import { finishSignIn, isSignInAnswer } from './sso.ts';
import { onRedraw, setNotice } from './state.ts';

const app = document.getElementById('app')!;

/** The pages of the nav: a creator's keys are their own; People is for admins. */
function sections(): [string, string][] {
  return [
    ['/keys', isCreator() ? 'My keys' : 'Keys'],
    ['/usage', 'Usage'],
    ['/audit', 'Audit log'],
    ['/leaks', 'Leaks'],
    ['/policy', 'Policy'],
    ...(can('keys:admin') ? ([['/people', 'People']] as [string, string][]) : []),
  ];
}

/** "Ada Lovelace (admin)" for a person, "billing-sync (privileged)" for a key. */
const signedInAs = ({ who }: Session): [string, string] =>
  who.kind === 'person' ? [who.email ?? who.name ?? who.id, who.role] : [who.name, `${who.type} key`];

function render() {
  const session = currentSession();
  if (!session) return signInPage(app);
  const [name, what] = signedInAs(session);
  const [route = '/keys', search = ''] = (location.hash.startsWith('#/') ? location.hash.slice(1) : '/keys').split('?');
  const query = new URLSearchParams(search);
  const main = h('main', { id: 'main', tabindex: -1 });
  app.replaceChildren(
    h(
      'header',
      { class: 'top' },
      h('p', { class: 'brand' }, 'Keyward'),
      h(
        'nav',
        { 'aria-label': 'Main' },
        ...sections().map(([path, label]) => h('a', { href: `#${path}`, 'aria-current': route.startsWith(path) ? 'page' : null }, label)),
      ),
      h('p', { class: 'who' }, 'Signed in as ', h('strong', {}, name), ` (${what}) · tenant ${session.tenant}`),
      h('button', { type: 'button', class: 'secondary', onclick: () => signOut('You signed out.') }, 'Sign out'),
    ),
    main,
  );
  const detail = /^\/keys\/([^/]+)$/.exec(route);
  if (detail) void keyDetailPage(main, decodeURIComponent(detail[1]!));
  else if (route.startsWith('/audit')) void auditPage(main, query);
  else if (route.startsWith('/leaks'))
    void auditPage(
      main,
      new URLSearchParams({ action: 'key.leaked' }),
      'Leaks',
      'Keys reported leaked, by GitHub secret scanning or anyone’s report, and what the tenant’s policy did (Policy → When a key leaks).',
    );
  else if (route.startsWith('/policy')) void policyPage(main);
  else if (route.startsWith('/people')) void peoplePage(main);
  else if (route.startsWith('/usage')) usagePage(main);
  else keysPage(main, query);
}

onRedraw(render);
onSessionEnd((message) => {
  setNotice(message);
  if (location.hash && location.hash !== '#/') history.replaceState(null, '', location.pathname);
  render();
});
// Only `#/...` hashes are pages; others (the skip link's `#main`) are in-page anchors.
window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#/') || !location.hash) render();
  else document.getElementById('main')?.focus();
});

/** Back from the identity provider: trade its answer for a Keyward token, then show the console (or why not). */
async function start() {
  if (isSignInAnswer()) {
    try {
      await signInWithIdToken((await finishSignIn()).idToken);
      location.hash = '#/keys';
    } catch (error) {
      setNotice(`Sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  resumeSession();
  render();
}

void start();
