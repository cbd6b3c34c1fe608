/** A key's secret in a dialog, to copy. */
import { copy, field, h } from '../dom.ts';
import { redraw } from '../state.ts';

/** A secret to show; `once` for a new one, which Keyward keeps only as a hash and cannot show again. */
export interface Secret {
  title: string;
  keyId: string;
  apiKey: string;
  keySecret?: string;
  once: boolean;
}

/**
 * Shows a secret in a dialog's body: the full API key (wrapped, with focus on it), copy buttons, and `actions` before Done.
 * A secret shown only once gets a guard that asks before Escape closes the dialog.
 */
export function showSecret(body: HTMLElement, secret: Secret, ...actions: Node[]) {
  const dialog = body.closest('dialog')!;
  const status = h('p', { role: 'status', class: 'copied' });
  const copyButton = (label: string, text: string, what: string) =>
    h('button', { type: 'button', class: 'secondary', onclick: () => void copy(text, status, what) }, label);
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
  const apiKeyRow = row(
    'API key',
    secret.apiKey,
    true,
    copyButton('Copy API key', secret.apiKey, 'API key'),
    copyButton('Copy as environment variable', `KEYWARD_API_KEY=${secret.apiKey}`, 'Environment variable'),
  );
  const close = () => dialog.close();
  const keepOpen = h('button', { type: 'button', class: 'secondary' }, 'Keep it open');
  const ask = h(
    'div',
    { class: 'warning confirm-close', hidden: true },
    h('p', { role: 'alert' }, 'The secret will not be shown again. Close anyway?'),
    h('div', { class: 'actions' }, keepOpen, h('button', { type: 'button', class: 'danger', onclick: close }, 'Close anyway')),
  );
  body.replaceChildren(
    h(
      'div',
      { class: 'secret' },
      h('h2', {}, secret.title),
      h(
        'p',
        { class: 'warning', role: 'alert' },
        h('strong', {}, 'Copy the secret now. '),
        secret.once
          ? 'It is shown only this once: Keyward keeps only a hash of it and cannot show it again.'
          : 'Anyone who sees it can use the key; close this when you are done.',
      ),
      row('Key ID', secret.keyId, false, copyButton('Copy Key ID', secret.keyId, 'Key ID')).wrapper,
      apiKeyRow.wrapper,
      secret.keySecret
        ? row('Key secret', secret.keySecret, true, copyButton('Copy Key secret', secret.keySecret, 'Key secret')).wrapper
        : null,
      status,
    ),
    ask,
    h('div', { class: 'actions' }, ...actions, h('button', { type: 'button', onclick: close }, 'Done')),
  );
  const focusKey = () => apiKeyRow.control.focus();
  keepOpen.addEventListener('click', () => {
    ask.hidden = true;
    focusKey();
  });
  if (secret.once) {
    // Escape fires `cancel`: the first one asks (the key keeps focus), a second one closes.
    dialog.addEventListener('cancel', (event) => {
      if (!ask.hidden) return;
      event.preventDefault();
      ask.hidden = false;
      focusKey();
    });
    // A new secret means the key changed: the page behind is drawn again once the secret is put away.
    dialog.addEventListener('close', redraw);
  }
  focusKey();
}
