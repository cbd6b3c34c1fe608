/** Revoking a tenant's keys in bulk, once the tenant id is typed exactly. */
import { api } from '../api.ts';
import { field, h } from '../dom.ts';
import { redraw, setNotice } from '../state.ts';
import { confirmDialog } from './dialog.ts';

export function revokeAllDialog(tenant: string) {
  const reason = field(
    'Reason',
    h('textarea', { name: 'reason', rows: 2, maxlength: 500, required: true }),
    'Required; written to the audit log of every key revoked.',
  );
  const owner = field(
    'Only keys of this owner',
    h('input', { type: 'text', name: 'ownerId', maxlength: 128, autocomplete: 'off', spellcheck: 'false', class: 'mono' }),
    'Optional.',
  );
  const type = field(
    'Only keys of this type',
    h(
      'select',
      { name: 'type' },
      h('option', { value: '' }, 'Privileged and viewer keys'),
      h('option', { value: 'privileged' }, 'Privileged keys'),
      h('option', { value: 'viewer' }, 'Viewer keys'),
    ),
  );
  const confirm = field(
    `Type the tenant id, ${tenant}, to confirm`,
    h('input', { type: 'text', name: 'confirmTenant', autocomplete: 'off', spellcheck: 'false', class: 'mono' }),
    'The Revoke keys button works once it matches exactly.',
  );
  confirmDialog({
    title: 'Revoke keys in bulk?',
    text: 'Every matching key stops working at once, for good. This cannot be undone.',
    confirm: 'Revoke keys',
    danger: true,
    fields: [reason.wrapper, owner.wrapper, type.wrapper, confirm.wrapper],
    fieldErrors: { reason, ownerId: owner, type },
    ready: () => confirm.control.value === tenant,
    run: async () => {
      const ownerId = owner.control.value.trim();
      const only = type.control.value as '' | 'privileged' | 'viewer';
      const { revoked } = await api.revokeAll({
        reason: reason.control.value.trim(),
        ...(ownerId ? { ownerId } : {}),
        ...(only ? { type: only } : {}),
      });
      setNotice(`Revoked ${revoked} key${revoked === 1 ? '' : 's'}.`);
      redraw();
      return { close: true };
    },
  });
}
