/** The frame of every dialog, and the dialog that asks before an action. */
import { h, openDialog, uid } from '../dom.ts';
import { formErrorBox, showFormError } from '../form-errors.ts';
import type { FieldTarget } from '../usage.ts';
import { showSecret, type Secret } from './secret.ts';

/** A modal dialog, not yet open, titled by its heading; its content goes in `body`. */
export function dialogShell(title: string) {
  const titleId = uid('dialog-title');
  const dialog = h('dialog', { 'aria-labelledby': titleId });
  const body = h('div', { class: 'dialog-body' });
  dialog.append(h('h2', { id: titleId }, title), body);
  return { dialog, body };
}

/** What a confirmed action leaves its dialog to do: close, or stay open on a secret to copy. */
export type Outcome = { close: true } | { close: false; secret: Secret };

/** A dialog that asks before an action and shows the API's error inside it if it fails. */
export function confirmDialog(options: {
  title: string;
  text: string;
  confirm: string;
  danger?: boolean;
  fields?: HTMLElement[];
  /** Fields by request path, so an API error lands next to the field that caused it. */
  fieldErrors?: Record<string, FieldTarget>;
  /** The confirm button is enabled only while this holds. */
  ready?: () => boolean;
  run: () => Promise<Outcome>;
}) {
  const { dialog, body } = dialogShell(options.title);
  const errors = formErrorBox();
  const submit = h('button', { type: 'submit', class: options.danger ? 'danger' : '' }, options.confirm);
  const form = h(
    'form',
    { novalidate: true },
    h('p', {}, options.text),
    ...(options.fields ?? []),
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'), submit),
  );
  const ready = () => options.ready?.() ?? true;
  submit.disabled = !ready();
  form.addEventListener('input', () => (submit.disabled = !ready()));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!ready()) return;
    submit.disabled = true;
    try {
      const outcome = await options.run();
      if (outcome.close) dialog.close();
      else showSecret(body, outcome.secret);
    } catch (error) {
      showFormError(errors, error, options.fieldErrors);
      submit.disabled = !ready();
    }
  });
  body.append(form);
  openDialog(dialog);
}
