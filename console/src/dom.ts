/** A tiny element builder: attributes, event handlers (`on*`) and children. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

let ids = 0;
export const uid = (prefix: string) => `${prefix}-${++ids}`;

/** A labelled form field with a place for its error right under it. */
export function field<C extends HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(label: string, control: C, hint?: string) {
  control.id ||= uid('field');
  const error = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true });
  const hintElement = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  control.setAttribute('aria-describedby', [hintElement?.id, error.id].filter(Boolean).join(' '));
  const wrapper = h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintElement, error);
  return {
    wrapper,
    control,
    setError(message: string | null) {
      error.textContent = message ?? '';
      error.hidden = !message;
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    },
  };
}

export function formatTime(iso: string | null | undefined, none = 'Never'): string {
  if (!iso) return none;
  const date = new Date(iso);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "in 2 days", "3 hours ago"; under a minute, "just now" or "in under a minute". */
export function relativeTime(iso: string, now = Date.now()): string {
  const delta = Date.parse(iso) - now;
  for (const [unit, size] of units) if (Math.abs(delta) >= size) return relative.format(Math.round(delta / size), unit);
  return delta >= 0 ? 'in under a minute' : 'just now';
}

/** A relative time, with the exact UTC time in its title. */
export function timeElement(iso: string | null | undefined, none = 'Never') {
  return iso ? h('time', { datetime: iso, title: formatTime(iso) }, relativeTime(iso)) : none;
}

/** Live keys that expire within 7 days. */
export const expiresSoon = (key: { expiresAt: string | null; status: string }, now = Date.now()) =>
  key.status !== 'revoked' &&
  key.status !== 'expired' &&
  !!key.expiresAt &&
  Date.parse(key.expiresAt) - now < 7 * 86_400_000 &&
  Date.parse(key.expiresAt) > now;

/** Opens a modal dialog (the browser traps focus) and gives focus back to the opener on close. */
export function openDialog(dialog: HTMLDialogElement) {
  const opener = document.activeElement as HTMLElement | null;
  document.body.append(dialog);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener?.isConnected) opener.focus();
  });
  dialog.showModal();
}

/** Copies text and says so to sighted and screen-reader users alike. */
export async function copy(text: string, status: HTMLElement, what: string) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = `${what} copied to the clipboard.`;
  } catch {
    status.textContent = `Could not copy the ${what.toLowerCase()}: select it and copy it yourself.`;
  }
}
