import { signIn } from '../api.ts';
import { field, h } from '../dom.ts';
import { messageOf } from '../errors.ts';
import { pendingNotice } from '../page.ts';
import { redraw } from '../state.ts';

/** The sign-in form, in place of the whole console; the key is cleared from the field whatever the answer. */
export function signInPage(app: HTMLElement) {
  document.title = 'Sign in · Keyward console';
  const input = h('input', { type: 'password', name: 'apiKey', autocomplete: 'off', spellcheck: 'false', required: true, class: 'mono' });
  const apiKey = field(
    'API key',
    input,
    'Paste a Keyward API key. The console exchanges it for a short-lived token and never stores the key.',
  );
  const button = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card signin', novalidate: true },
    h('h1', {}, 'Sign in to Keyward'),
    pendingNotice(),
    apiKey.wrapper,
    button,
  );
  form.addEventListener('submit', async (event) => {
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
  app.replaceChildren(h('main', { id: 'main', tabindex: -1, class: 'center' }, form));
  input.focus();
}
