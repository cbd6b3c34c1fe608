import { signIn, signInProviders, type SignInProvider } from '../api.ts';
import { field, h } from '../dom.ts';
import { messageOf } from '../errors.ts';
import { pendingNotice } from '../page.ts';
import { startSignIn } from '../sso.ts';
import { redraw } from '../state.ts';

/**
 * The sign-in page, in place of the whole console: "Sign in with …" for each identity provider
 * first, then an API key as the second way in. The key is cleared from the field whatever the answer.
 */
export function signInPage(app: HTMLElement) {
  document.title = 'Sign in · Keyward console';
  const sso = h('div', { class: 'sso' });
  const form = h(
    'form',
    { class: 'card signin', novalidate: true },
    h('h1', {}, 'Sign in to Keyward'),
    pendingNotice(),
    sso,
    apiKeySignIn(),
  );
  app.replaceChildren(h('main', { id: 'main', tabindex: -1, class: 'center' }, form));
  void signInProviders().then((providers) => showProviders(sso, providers));
}

function showProviders(sso: HTMLElement, providers: SignInProvider[]) {
  const usable = providers.filter((provider) => provider.consoleClientId);
  if (usable.length === 0) return;
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });
  const buttons = usable.map((provider) => {
    const button = h('button', { type: 'button' }, `Sign in with SSO (${provider.name})`);
    button.addEventListener('click', async () => {
      for (const other of buttons) other.disabled = true;
      button.textContent = 'Opening your sign-in page…';
      try {
        await startSignIn(provider);
      } catch (error) {
        problem.textContent = messageOf(error);
        problem.hidden = false;
        for (const other of buttons) other.disabled = false;
        button.textContent = `Sign in with SSO (${provider.name})`;
      }
    });
    return button;
  });
  sso.replaceChildren(...buttons, problem, h('p', { class: 'or' }, 'Or use an API key:'));
  buttons[0]!.focus();
}

function apiKeySignIn() {
  const input = h('input', { type: 'password', name: 'apiKey', autocomplete: 'off', spellcheck: 'false', required: true, class: 'mono' });
  const apiKey = field(
    'API key',
    input,
    'Paste a Keyward API key. The console exchanges it for a short-lived token and never stores the key.',
  );
  const button = h('button', { type: 'submit', class: 'secondary' }, 'Sign in');
  const part = h('div', { class: 'api-key' }, apiKey.wrapper, button);
  button.addEventListener('click', async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) {
      apiKey.setError('Paste an API key to sign in.');
      input.focus();
      return;
    }
    apiKey.setError(null);
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      await signIn(value);
      input.value = '';
      location.hash = '#/keys';
      redraw();
    } catch (error) {
      input.value = '';
      button.disabled = false;
      button.textContent = 'Sign in';
      apiKey.setError(messageOf(error));
      input.focus();
    }
  });
  queueMicrotask(() => input.focus());
  return part;
}
