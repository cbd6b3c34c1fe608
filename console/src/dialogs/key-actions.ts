/** The key detail page's actions, and the dialogs that ask before them; each change leaves a notice and redraws the page. */
import { api, type KeyView } from '../api.ts';
import { field, h } from '../dom.ts';
import { redraw, rememberGracePeriod, setNotice } from '../state.ts';
import { usageForm } from '../usage.ts';
import { confirmDialog } from './dialog.ts';

/** Enables or disables a key, and redraws its page with a notice saying so. */
export async function setEnabled(key: KeyView, enabled: boolean) {
  await api.updateKey(key.id, { enabled });
  setNotice(enabled ? 'Key enabled.' : 'Key disabled.');
  redraw();
}

export function disableDialog(key: KeyView) {
  confirmDialog({
    title: `Disable “${key.name}”?`,
    text: 'The key stops authenticating until it is enabled again.',
    confirm: 'Disable key',
    danger: true,
    run: async () => {
      await setEnabled(key, false);
      return { close: true };
    },
  });
}

export function editDialog(key: KeyView) {
  const name = field('Name', h('input', { type: 'text', name: 'name', maxlength: 100, required: true, autocomplete: 'off' }));
  name.control.value = key.name;
  const description = field('Description', h('textarea', { name: 'description', rows: 2, maxlength: 500 }), 'Optional.');
  description.control.value = key.description;
  const scopes = field(
    'Scopes',
    h('input', { type: 'text', name: 'scopes', autocomplete: 'off', class: 'mono' }),
    'Custom scopes, separated by spaces or commas.',
  );
  scopes.control.value = key.scopes.join(' ');
  const usage = usageForm(key);
  confirmDialog({
    title: `Edit “${key.name}”`,
    text: 'Change the name, the description, the custom scopes or the usage controls.',
    confirm: 'Save changes',
    fields: [name.wrapper, description.wrapper, scopes.wrapper, usage.element],
    fieldErrors: { name, description, scopes, ...usage.fieldErrors },
    run: async () => {
      await api.updateKey(key.id, {
        name: name.control.value.trim(),
        description: description.control.value,
        scopes: scopes.control.value.split(/[\s,]+/).filter(Boolean),
        // Only the controls that changed: sending unchanged credits would undo uses made meanwhile.
        ...usage.changes(),
      });
      setNotice('Key updated.');
      redraw();
      return { close: true };
    },
  });
}

export function regenerateDialog(key: KeyView) {
  const grace = field(
    'Grace period in minutes',
    h('input', { type: 'number', name: 'grace', min: 0, max: 10080, value: 0, inputmode: 'numeric' }),
    'How long the old secret keeps working (0 to 10080, a week). 0 stops it at once.',
  );
  confirmDialog({
    title: `Regenerate “${key.name}”?`,
    text: 'A new secret is made for the same Key ID.',
    confirm: 'Regenerate',
    fields: [grace.wrapper],
    fieldErrors: { gracePeriodSeconds: grace },
    run: async () => {
      const minutes = Number(grace.control.value || '0');
      const seconds = Math.round(minutes * 60);
      const answer = await api.regenerate(key.id, seconds);
      // Shown when the secret is put away and the page is drawn again.
      setNotice(
        minutes > 0
          ? `Key regenerated; the old secret works for ${minutes} more minutes.`
          : 'Key regenerated; the old secret no longer works.',
      );
      rememberGracePeriod(key.id, seconds);
      const secret = { title: 'New secret', keyId: answer.key.id, apiKey: answer.apiKey, keySecret: answer.keySecret, once: true };
      return { close: false, secret };
    },
  });
}

export function revokeDialog(key: KeyView) {
  const reason = field('Reason', h('textarea', { name: 'reason', rows: 2, maxlength: 500 }), 'Optional; written to the audit log.');
  confirmDialog({
    title: `Revoke “${key.name}”?`,
    text: 'A revoked key stops working at once, for good. This cannot be undone.',
    confirm: 'Revoke key',
    danger: true,
    fields: [reason.wrapper],
    run: async () => {
      await api.revoke(key.id, reason.control.value.trim());
      setNotice('Key revoked.');
      redraw();
      return { close: true };
    },
  });
}

export function deleteDialog(key: KeyView) {
  confirmDialog({
    title: `Delete “${key.name}”?`,
    text: 'The key is removed for good and stops working at once. This cannot be undone.',
    confirm: 'Delete key',
    danger: true,
    run: async () => {
      await api.deleteKey(key.id);
      setNotice(`Key “${key.name}” deleted.`);
      location.hash = '#/keys';
      return { close: true };
    },
  });
}

export function revealDialog(key: KeyView) {
  confirmDialog({
    title: `Reveal the secret of “${key.name}”?`,
    text: 'Revealing is written to the audit log. Make sure nobody is looking over your shoulder.',
    confirm: 'Reveal',
    run: async () => {
      const { apiKey } = await api.reveal(key.id);
      return { close: false, secret: { title: 'Secret revealed', keyId: key.id, apiKey, once: false } };
    },
  });
}
