/** A key's usage controls (owner, meta, rate limit, credits, allowed IPs): the form part of create and edit, and the detail rows. */
import type { CreateKeyInput, KeyChange, KeyView } from './api.ts';
import { field, h } from './dom.ts';
import { metaText, metaValue } from '../../shared/client/meta-text.ts';

type Meta = NonNullable<KeyView['meta']>;
type RateLimit = { limit: number; windowSeconds: number };
type Credits = NonNullable<KeyChange['credits']>;

export interface UsageValues {
  ownerId: string | null;
  meta: Meta | null;
  rateLimit: RateLimit | null;
  credits: Credits | null;
  allowedIps: string[] | null;
}

export interface Problem {
  path: string;
  message: string;
}

/** Input the form refuses before calling the API, with details shaped like the API's so each lands next to its field. */
export class InputError extends Error {
  readonly details: Problem[];

  constructor(details: Problem[]) {
    super('Some fields need a fix: see the messages next to them.');
    this.name = 'InputError';
    this.details = details;
  }
}

/** A field as error placement sees it; `item` names the part of the field a longer path points at. */
export interface FieldTarget {
  setError(message: string | null): void;
  item?: (rest: string) => string;
}

export const count = (n: number) => n.toLocaleString('en-US');

/** 12 → "12 s", 754 → "12 min 34 s", 7260 → "2 h 1 min". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
}

const WINDOWS: Record<number, string> = { 1: 'second', 60: 'minute', 3600: 'hour', 86400: 'day' };
export const perWindow = (seconds: number) => `per ${WINDOWS[seconds] ?? duration(seconds)}`;

const PRESETS = [
  { id: 'none', label: 'No rate limit' },
  { id: '100/60', label: '100 per minute', limit: 100, windowSeconds: 60 },
  { id: '1000/3600', label: '1,000 per hour', limit: 1000, windowSeconds: 3600 },
  { id: '10000/86400', label: '10,000 per day', limit: 10_000, windowSeconds: 86_400 },
  { id: 'custom', label: 'Custom' },
];

const INTERVALS = { daily: 'every day (00:00 UTC)', monthly: 'every month (the 1st, 00:00 UTC)' };

/** Non-empty lines, each with its 1-based line number. */
const linesOf = (text: string) =>
  text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '');

const numberInput = (name: string, min: number, max: number) =>
  h('input', { type: 'number', name, min, max, step: 1, inputmode: 'numeric' });

/** Keys sorted, so two metas compare equal whatever order they were stored in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(byName)) : v,
  );

const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** What a key has now, in the form's terms. */
function valuesOf(key: KeyView): UsageValues {
  return {
    ownerId: key.ownerId,
    meta: key.meta && Object.keys(key.meta).length ? key.meta : null,
    rateLimit: key.rateLimit ? { limit: key.rateLimit.limit, windowSeconds: key.rateLimit.windowSeconds } : null,
    credits: key.credits ? { remaining: key.credits.remaining, ...(key.credits.refill ? { refill: key.credits.refill } : {}) } : null,
    allowedIps: key.allowedIps,
  };
}

/** The usage-control fields of the create and edit forms, filled from `key` when editing. */
export function usageForm(key?: KeyView) {
  const owner = field(
    'Owner',
    h('input', { type: 'text', name: 'ownerId', maxlength: 128, autocomplete: 'off', spellcheck: 'false', class: 'mono' }),
    'Optional: the user or customer in your own system the key belongs to, e.g. customer-42.',
  );
  const meta = field(
    'Meta',
    h('textarea', { name: 'meta', rows: 3, class: 'mono', spellcheck: 'false' }),
    'Optional: your own data, one key=value per line (at most 2 KiB), returned by verify and whoami. Numbers, true, false and null are kept as such; put a value in double quotes to keep it text.',
  );
  const preset = field('Preset', h('select', { name: 'ratePreset' }, ...PRESETS.map((p) => h('option', { value: p.id }, p.label))));
  const limit = field('Uses per window', numberInput('rateLimit.limit', 1, 1_000_000));
  const windowSeconds = field(
    'Window in seconds',
    numberInput('rateLimit.windowSeconds', 1, 86_400),
    '60 is a minute, 3600 an hour, 86400 a day (the longest).',
  );
  const credits = field(
    'Credits left',
    numberInput('credits.remaining', 0, 1_000_000_000),
    'Optional: each use costs one credit; at 0 the key is refused. Empty: unlimited.',
  );
  const refillAmount = field(
    'Refill to',
    numberInput('credits.refill.amount', 1, 1_000_000_000),
    'Optional: set the credits back to this amount.',
  );
  const refillInterval = field(
    'Refill',
    h(
      'select',
      { name: 'credits.refill.interval' },
      h('option', { value: 'monthly' }, 'Monthly'),
      h('option', { value: 'daily' }, 'Daily'),
    ),
    'At 00:00 UTC; monthly on the 1st.',
  );
  const allowedIps = field(
    'Allowed IPs',
    h('textarea', { name: 'allowedIps', rows: 3, class: 'mono', spellcheck: 'false' }),
    'Optional: one IPv4 or IPv6 address or CIDR block per line, e.g. 203.0.113.0/24. Empty: any address.',
  );

  const initial = key ? valuesOf(key) : undefined;
  if (initial) {
    owner.control.value = initial.ownerId ?? '';
    meta.control.value = initial.meta
      ? Object.entries(initial.meta)
          .sort(byName)
          .map(([name, value]) => `${name}=${metaText(value)}`)
          .join('\n')
      : '';
    limit.control.value = initial.rateLimit ? String(initial.rateLimit.limit) : '';
    windowSeconds.control.value = initial.rateLimit ? String(initial.rateLimit.windowSeconds) : '';
    credits.control.value = initial.credits ? String(initial.credits.remaining) : '';
    refillAmount.control.value = initial.credits?.refill ? String(initial.credits.refill.amount) : '';
    refillInterval.control.value = initial.credits?.refill?.interval ?? 'monthly';
    allowedIps.control.value = initial.allowedIps?.join('\n') ?? '';
  } else refillInterval.control.value = 'monthly';

  // The preset names what the two inputs hold; choosing one fills them in.
  const syncPreset = () => {
    const l = limit.control.value.trim();
    const w = windowSeconds.control.value.trim();
    preset.control.value =
      !l && !w ? 'none' : (PRESETS.find((p) => String(p.limit) === l && String(p.windowSeconds) === w)?.id ?? 'custom');
  };
  syncPreset();
  preset.control.addEventListener('change', () => {
    const chosen = PRESETS.find((p) => p.id === preset.control.value);
    if (chosen?.limit) {
      limit.control.value = String(chosen.limit);
      windowSeconds.control.value = String(chosen.windowSeconds);
    } else if (chosen?.id === 'none') {
      limit.control.value = '';
      windowSeconds.control.value = '';
    } else limit.control.focus();
  });
  limit.control.addEventListener('input', syncPreset);
  windowSeconds.control.addEventListener('input', syncPreset);

  let ipList: string[] = [];
  const fieldErrors: Record<string, FieldTarget> = {
    ownerId: owner,
    meta: { setError: meta.setError, item: (name) => `“${name}”` },
    rateLimit: preset,
    'rateLimit.limit': limit,
    'rateLimit.windowSeconds': windowSeconds,
    credits,
    'credits.remaining': credits,
    'credits.refill': refillAmount,
    'credits.refill.amount': refillAmount,
    'credits.refill.interval': refillInterval,
    allowedIps: { setError: allowedIps.setError, item: (index) => `“${ipList[Number(index)] ?? `entry ${Number(index) + 1}`}”` },
  };

  const element = h(
    'fieldset',
    { class: 'usage' },
    h('legend', {}, 'Usage controls'),
    owner.wrapper,
    meta.wrapper,
    h('fieldset', {}, h('legend', {}, 'Rate limit'), h('div', { class: 'trio' }, preset.wrapper, limit.wrapper, windowSeconds.wrapper)),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Credits'),
      h('div', { class: 'trio' }, credits.wrapper, refillAmount.wrapper, refillInterval.wrapper),
    ),
    allowedIps.wrapper,
  );

  /** The form's values; throws an InputError (after nothing is sent) for what cannot be read. */
  function collect(): UsageValues {
    const problems: Problem[] = [];
    const number = (control: HTMLInputElement, path: string): number | null => {
      if (control.validity.badInput) {
        problems.push({ path, message: 'must be a number' });
        return null;
      }
      const text = control.value.trim();
      return text === '' ? null : Number(text);
    };

    let metaValues: Meta | null = null;
    for (const { line, number: at } of linesOf(meta.control.value)) {
      const split = line.indexOf('=');
      if (split < 1) {
        problems.push({ path: 'meta', message: `line ${at} is not key=value` });
        continue;
      }
      metaValues ??= {};
      metaValues[line.slice(0, split).trim()] = metaValue(line.slice(split + 1).trim());
    }

    const uses = number(limit.control, 'rateLimit.limit');
    const window = number(windowSeconds.control, 'rateLimit.windowSeconds');
    if ((uses === null) !== (window === null) && problems.length === 0) {
      problems.push(
        uses === null
          ? { path: 'rateLimit.limit', message: 'enter the uses per window too' }
          : { path: 'rateLimit.windowSeconds', message: 'enter the window too' },
      );
    }

    const remaining = number(credits.control, 'credits.remaining');
    const amount = number(refillAmount.control, 'credits.refill.amount');
    if (remaining === null && amount !== null)
      problems.push({ path: 'credits.remaining', message: 'enter the credits left, to refill them' });

    ipList = linesOf(allowedIps.control.value).map(({ line }) => line);
    if (problems.length) throw new InputError(problems);
    return {
      ownerId: owner.control.value.trim() || null,
      meta: metaValues,
      rateLimit: uses !== null && window !== null ? { limit: uses, windowSeconds: window } : null,
      credits:
        remaining !== null
          ? { remaining, ...(amount !== null ? { refill: { amount, interval: refillInterval.control.value as 'daily' | 'monthly' } } : {}) }
          : null,
      allowedIps: ipList.length ? ipList : null,
    };
  }

  return {
    element,
    fieldErrors,
    /** The fields a new key is created with: only those given. */
    forCreate(): Pick<CreateKeyInput, keyof UsageValues> {
      return Object.fromEntries(Object.entries(collect()).filter(([, value]) => value !== null)) as Pick<CreateKeyInput, keyof UsageValues>;
    },
    /** The fields that changed since the form was filled: new values, or null for a control removed. */
    changes(): Pick<KeyChange, keyof UsageValues> {
      const values = collect();
      if (!initial) return values;
      return Object.fromEntries(
        Object.entries(values).filter(([name, value]) => canonical(value) !== canonical(initial[name as keyof UsageValues])),
      );
    },
  };
}

/**
 * The detail rows (owner, meta, rate limit, credits, allowed IPs), and the key as last read. The rate window counts down
 * each second; when it ends, or on Refresh, the key is read again for the current use.
 */
export function usageRows(initial: KeyView, refetch: () => Promise<KeyView>) {
  let key = initial;
  let resetAt = 0;
  let fetchedAt = 0;
  let fetching = false;
  let stale = false;
  const rate = h('span', { class: 'rate-window' });
  const credits = h('span', { class: 'credits-left' });
  const status = h('span', { class: 'hint', role: 'status' });

  const paintRate = () => {
    const limit = key.rateLimit;
    if (!limit) return rate.replaceChildren('None');
    // Past the reset a new window runs, full until the next read shows its use.
    let remaining = limit.remaining;
    if (Date.now() >= resetAt) {
      resetAt += Math.ceil((Date.now() - resetAt + 1) / (limit.windowSeconds * 1000)) * limit.windowSeconds * 1000;
      remaining = limit.limit;
      key = { ...key, rateLimit: { ...limit, remaining } };
      stale = true;
    }
    if (stale) void refresh();
    const left = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
    rate.replaceChildren(
      `${count(remaining)} of ${count(limit.limit)} left, resets in ${duration(left)}`,
      ' ',
      h('span', { class: 'muted' }, `(${count(limit.limit)} ${perWindow(limit.windowSeconds)})`),
    );
  };
  const show = (next: KeyView) => {
    key = next;
    stale = false;
    fetchedAt = Date.now();
    resetAt = fetchedAt + (key.rateLimit?.reset ?? 0) * 1000;
    paintRate();
    credits.replaceChildren(
      key.credits
        ? `${count(key.credits.remaining)} left${key.credits.refill ? `, refilled to ${count(key.credits.refill.amount)} ${INTERVALS[key.credits.refill.interval]}` : ', no refill'}`
        : 'Unlimited',
    );
  };
  const refresh = async (force = false) => {
    // Short windows end often: an automatic read happens at most every 5 seconds.
    if (fetching || (!force && Date.now() - fetchedAt < 5000)) return;
    fetching = true;
    try {
      show(await refetch());
      status.textContent = '';
    } catch {
      status.textContent = 'Could not read the current use; try Refresh again.';
    } finally {
      fetching = false;
    }
  };
  show(initial);

  const timer = window.setInterval(() => {
    if (!rate.isConnected) return window.clearInterval(timer);
    paintRate();
  }, 1000);

  const refreshButton = h('button', { type: 'button', class: 'secondary small', onclick: () => void refresh(true) }, 'Refresh');
  const row = (label: string, ...value: (Node | string)[]) => [h('dt', {}, label), h('dd', {}, ...value)];
  const meta = initial.meta && Object.keys(initial.meta).length ? initial.meta : null;
  // Refresh sits by the first live value.
  const refreshIn = initial.rateLimit ? 'rate' : initial.credits ? 'credits' : null;
  const withRefresh = (where: typeof refreshIn) => (where === refreshIn ? [' ', refreshButton, ' ', status] : []);
  const rows = [
    ...row('Owner', initial.ownerId ? h('code', {}, initial.ownerId) : 'None'),
    ...row(
      'Meta',
      meta
        ? h(
            'ul',
            { class: 'scopes' },
            ...Object.entries(meta)
              .sort(byName)
              .map(([name, value]) => h('li', {}, h('code', {}, name), ' = ', h('code', {}, metaText(value)))),
          )
        : 'None',
    ),
    ...row('Rate limit', rate, ...withRefresh('rate')),
    ...row('Credits', credits, ...withRefresh('credits')),
    ...row(
      'Allowed IPs',
      initial.allowedIps ? h('ul', { class: 'scopes' }, ...initial.allowedIps.map((ip) => h('li', {}, h('code', {}, ip)))) : 'Any address',
    ),
  ];
  /** The key as last read, so an edit starts from the credits left now. */
  return { rows, latest: () => key };
}
