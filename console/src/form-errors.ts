/** A form's errors: the message in the form's box, and each detail next to the field it is about. */
import { ApiError } from './api.ts';
import { h } from './dom.ts';
import { messageOf } from './errors.ts';
import { InputError, type FieldTarget, type Problem } from './usage.ts';

/** The form's error box, hidden until there is an error. */
export const formErrorBox = () => h('div', { class: 'error', role: 'alert', hidden: true });

/** The field for a detail's path: the longest path prefix that names one (`credits.refill.amount`, then `credits.refill`, …). */
function fieldFor(fields: Record<string, FieldTarget>, path: string) {
  const parts = path.split('.');
  for (let length = parts.length; length > 0; length--) {
    const target = fields[parts.slice(0, length).join('.')];
    if (target) return { target, rest: parts.slice(length).join('.') };
  }
  return undefined;
}

/** Shows `error` in `box`, and its details by their fields; focus goes to the first field in error. */
export function showFormError(box: HTMLElement, error: unknown, fields: Record<string, FieldTarget> = {}) {
  for (const target of new Set(Object.values(fields))) target.setError(null);
  const details: Problem[] = error instanceof ApiError || error instanceof InputError ? error.details : [];
  const messages = new Map<FieldTarget['setError'], string[]>();
  for (const detail of details) {
    const found = fieldFor(fields, detail.path);
    if (!found) continue;
    const { target, rest } = found;
    const message = rest && target.item ? `${target.item(rest)}: ${detail.message}` : detail.message;
    messages.set(target.setError, [...(messages.get(target.setError) ?? []), message]);
  }
  for (const [setError, list] of messages) setError(list.join('; '));
  box.hidden = false;
  box.replaceChildren(h('p', {}, messageOf(error)));
  if (messages.size) {
    box.classList.add('with-fields');
    box.closest('form')?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }
}
