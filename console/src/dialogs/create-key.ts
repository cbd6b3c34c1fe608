/** Creating a key: the form, then its secret, shown once. */
import { api, type CreateKeyInput, isCreator } from '../api.ts';
import { field, h, openDialog, uid } from '../dom.ts';
import { formErrorBox, showFormError } from '../form-errors.ts';
import { InputError, usageForm } from '../usage.ts';
import { dialogShell } from './dialog.ts';
import { showSecret } from './secret.ts';

export function createKeyDialog() {
  const { dialog, body } = dialogShell('Create an API key');
  const name = field('Name', h('input', { type: 'text', name: 'name', required: true, maxlength: 100, autocomplete: 'off' }));
  // A creator makes only client keys; the others choose, client included.
  const types = isCreator()
    ? [['client', 'Client: calls your own APIs only, no access to Keyward']]
    : [
        ['privileged', 'Privileged: reads and manages keys (server-to-server, admins)'],
        ['viewer', 'Viewer: reads only (bots, channels, partners)'],
        ['client', 'Client: calls your own APIs only, no access to Keyward'],
      ];
  const typeGroup = h(
    'fieldset',
    {},
    h('legend', {}, 'Type'),
    ...types.map(([value, label], index) =>
      h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'type', value, checked: index === 0 }), ` ${label}`),
    ),
  );
  const scopeList = h('datalist', { id: uid('scope-list') });
  const scopes = field(
    'Scopes',
    h('input', { type: 'text', name: 'scopes', autocomplete: 'off', class: 'mono', list: scopeList.id }),
    'Optional, separated by spaces or commas, e.g. orders:read reports:write',
  );
  scopes.wrapper.append(scopeList);
  const description = field('Description', h('textarea', { name: 'description', rows: 2 }));
  const expiry = expiryField();
  const recoverable = h('input', { type: 'checkbox', name: 'recoverable', id: uid('recoverable') });
  const usage = usageForm();
  const errors = formErrorBox();
  const submit = h('button', { type: 'submit' }, 'Create key');
  const close = () => dialog.close();
  const form = h(
    'form',
    { novalidate: true, method: 'dialog' },
    name.wrapper,
    typeGroup,
    scopes.wrapper,
    description.wrapper,
    expiry.element,
    h(
      'div',
      { class: 'field checkbox' },
      recoverable,
      h('label', { for: recoverable.id }, 'Recoverable: admins can reveal the secret later'),
    ),
    usage.element,
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel'), submit),
  );
  body.append(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const created = await api.createKey({
        name: name.control.value.trim(),
        type: (form.elements.namedItem('type') as RadioNodeList).value as CreateKeyInput['type'],
        scopes: scopes.control.value.split(/[\s,]+/).filter(Boolean),
        description: description.control.value.trim(),
        recoverable: recoverable.checked,
        ...usage.forCreate(),
        ...expiry.forCreate(),
      });
      const { key, apiKey, keySecret } = created;
      showSecret(
        body,
        { title: `Key “${key.name}” created`, keyId: key.id, apiKey, keySecret, once: true },
        h('a', { class: 'button secondary', href: `#/keys/${encodeURIComponent(key.id)}`, onclick: close }, 'Open key'),
      );
    } catch (error) {
      showFormError(errors, error, {
        name,
        scopes,
        description,
        expiresInDays: expiry.target(),
        expiresAt: expiry.target(),
        ...usage.fieldErrors,
      });
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

const EXPIRY_PRESETS = [
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: 'date', label: 'On a date' },
  { value: 'never', label: 'Never' },
];

/** The expiry of a new key: 7, 30 or 90 days, a date, or never, within the tenant policy's limits. */
function expiryField() {
  const baseHint = 'When the key stops working.';
  const preset = field(
    'Expires',
    h('select', { name: 'expiry' }, ...EXPIRY_PRESETS.map((p) => h('option', { value: p.value, selected: p.value === 'never' }, p.label))),
    baseHint,
  );
  const hint = preset.wrapper.querySelector<HTMLElement>('.hint')!;
  const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
  const date = field(
    'Expiry date',
    h('input', { type: 'date', name: 'expiresAt', min: day(1), max: day(3650) }),
    'The key stops working at the start of this day (UTC).',
  );
  date.wrapper.hidden = true;
  preset.control.addEventListener('change', () => (date.wrapper.hidden = preset.control.value !== 'date'));

  void api.getPolicy().then(
    (policy) => {
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
      if (reasons.length)
        hint.textContent = `${baseHint} The tenant policy says ${reasons.join(' and ')}, so longer choices are turned off.`;
      if (preset.control.selectedOptions[0]?.disabled) {
        const allowed = [...preset.control.options].filter((o) => !o.disabled && o.value !== 'date');
        preset.control.value = allowed.at(-1)?.value ?? 'date';
        date.wrapper.hidden = preset.control.value !== 'date';
      }
    },
    () => undefined,
  ); // Without the policy, the API still refuses what breaks it.

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
