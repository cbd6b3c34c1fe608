import type { Answer, components } from '#shared/client/keyward-client.ts';
import { metaText } from '#shared/client/meta-text.ts';
import { styleText } from 'node:util';
import Table from 'cli-table3';

type Style = Parameters<typeof styleText>[0];

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colourEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return colourEnabled(stream) ? styleText(style, text, { validateStream: false }) : text;
}

// C0 controls (line breaks and tabs too), DEL, C1 controls, the bidi controls, and the
// Unicode line and paragraph separators: none of them may reach a terminal from data.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point: they are escaped before printing.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control and bidi character shown as a visible `\x1b` or `\u202e` escape. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A table cell or details value the CLI colours itself: escaped first, then painted. */
export interface Styled {
  text: string;
  style: Style;
}

export type Cell = string | Styled;

const render = (cell: Cell): string => (typeof cell === 'string' ? printable(cell) : paint(cell.style, printable(cell.text)));

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 minutes ago", "in 90 days"; `fallback` for a missing time. */
export function relativeTime(iso: string | null | undefined, now = Date.now(), fallback = '-'): string {
  if (!iso) return fallback;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return printable(iso);
  const delta = at - now;
  for (const [unit, size] of units) {
    if (Math.abs(delta) >= size) return relative.format(Math.round(delta / size), unit);
  }
  return relative.format(Math.round(delta / 1000), 'second');
}

export function statusText(status: string): Styled {
  return { text: status, style: status === 'active' ? 'green' : status === 'disabled' ? 'yellow' : 'red' };
}

/** An aligned, borderless table (cli-table3), headers bold on a terminal; every cell escaped. */
export function table(headers: string[], rows: Cell[][]): string {
  const blank = '';
  const t = new Table({
    head: headers.map((header) => render({ text: header, style: 'bold' })),
    chars: {
      top: blank,
      'top-mid': blank,
      'top-left': blank,
      'top-right': blank,
      bottom: blank,
      'bottom-mid': blank,
      'bottom-left': blank,
      'bottom-right': blank,
      left: blank,
      'left-mid': blank,
      mid: blank,
      'mid-mid': blank,
      right: blank,
      'right-mid': blank,
      middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  t.push(...rows.map((row) => row.map(render)));
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** Label/value lines with the values aligned; every value escaped, so each stays on its line. */
export function details(pairs: [string, Cell][]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${render({ text: `${label}:`.padEnd(width + 1), style: 'bold' })}  ${render(value)}`).join('\n');
}

export type KeyView = components['schemas']['KeyView'];

const when = (iso: string | null, fallback: string) => (iso ? `${relativeTime(iso)} (${iso})` : fallback);

export function keyDetails(key: KeyView): string {
  return details([
    ['ID', key.id],
    ['Name', key.name],
    ['Description', key.description || '-'],
    ['Type', key.type],
    ['Status', statusText(key.status)],
    ['Scopes', key.scopes.length ? key.scopes.join(', ') : '-'],
    ['Preview', key.preview],
    ['Recoverable', key.recoverable ? 'yes' : 'no'],
    ['Created', `${when(key.createdAt, '-')} by ${key.createdBy}`],
    ['Updated', when(key.updatedAt, '-')],
    ['Last used', when(key.lastUsedAt, 'never')],
    ['Expires', when(key.expiresAt, 'never')],
    ...(key.leakedAt ? [['Leaked', `reported ${when(key.leakedAt, '-')} (keyward audit --key-id ${key.id})`] as [string, Cell]] : []),
  ]);
}

/** The policy as the API answers it; a Keyward older than the system key and people rules leaves their fields out. */
export type TenantPolicy = components['schemas']['TenantPolicy'] & {
  systemKey?: 'enabled' | 'break-glass' | 'disabled';
  personTokenSeconds?: number;
  onLeak?: 'revoke' | 'disable' | 'notify';
};

const UNITS: [string, number][] = [
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
];

/** A window length as `--rate-limit` takes it: 60 → "1m", 90 → "90s". */
export function windowText(seconds: number): string {
  for (const [unit, size] of UNITS) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/** 12 → "12 s", 754 → "12 min 34 s", 7260 → "2 h 1 min". */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Owner, meta, rate limit (with the current window), credits and allowed IPs of a key; every value escaped. */
export function usageDetails(key: KeyView): string {
  const { rateLimit, credits } = key;
  return details([
    ['Owner', key.ownerId ?? '-'],
    [
      'Meta',
      key.meta && Object.keys(key.meta).length
        ? Object.entries(key.meta)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([name, value]) => `${name}=${metaText(value)}`)
            .join(', ')
        : '-',
    ],
    [
      'Rate limit',
      rateLimit
        ? `${count(rateLimit.remaining)} of ${count(rateLimit.limit)} left in this window, resets in ${durationText(rateLimit.reset)} (${rateLimit.limit}/${windowText(rateLimit.windowSeconds)})`
        : 'none',
    ],
    [
      'Credits',
      credits
        ? `${count(credits.remaining)} left, ${credits.refill ? `refilled to ${count(credits.refill.amount)} ${credits.refill.interval}` : 'no refill'}`
        : 'unlimited',
    ],
    ['Allowed IPs', key.allowedIps ? key.allowedIps.join(', ') : 'any'],
  ]);
}

/** The key details, then its usage controls after a blank line. */
export function fullKeyDetails(key: KeyView): string {
  return `${keyDetails(key)}\n\n${usageDetails(key)}`;
}

export function policyDetails(policy: TenantPolicy): string {
  return details([
    ['Max lifetime', policy.maxLifetimeDays === null ? 'no limit' : `${policy.maxLifetimeDays} days`],
    ['Require expiry', policy.requireExpiry ? 'yes' : 'no'],
    ['Max grace period', `${policy.maxGracePeriodSeconds} seconds`],
    ['Allowed IPs', policy.allowedIps ? policy.allowedIps.join(', ') : 'any'],
    ...(policy.systemKey !== undefined ? [['System key', policy.systemKey] as [string, Cell]] : []),
    ...(policy.personTokenSeconds !== undefined ? [["People's tokens", `${policy.personTokenSeconds} seconds`] as [string, Cell]] : []),
    ...(policy.onLeak !== undefined ? [['On a leak', policy.onLeak] as [string, Cell]] : []),
  ]);
}

export function keyTable(keys: KeyView[]): string {
  return table(
    ['ID', 'NAME', 'TYPE', 'STATUS', 'PREVIEW', 'CREATED', 'LAST USED', 'EXPIRES'],
    keys.map((key) => [
      key.id,
      key.name,
      key.type,
      statusText(key.status),
      key.preview,
      relativeTime(key.createdAt),
      relativeTime(key.lastUsedAt, Date.now(), 'never'),
      relativeTime(key.expiresAt, Date.now(), 'never'),
    ]),
  );
}

type ApiAuditEvent = Answer<'get', '/v1/audit'>['items'][number];

/** What the audit table shows of an event; action and outcome as any text, since the table escapes whatever it is given. */
export type AuditEvent = Pick<ApiAuditEvent, 'id' | 'at' | 'keyId' | 'actor' | 'sourceIp'> & { action: string; outcome: string };

export function auditTable(events: AuditEvent[]): string {
  return table(
    ['WHEN', 'ACTION', 'KEY', 'ACTOR', 'SOURCE IP', 'OUTCOME'],
    events.map((event) => [
      relativeTime(event.at),
      event.action,
      event.keyId ?? '-',
      event.actor ?? '-',
      event.sourceIp ?? '-',
      event.outcome === 'success' ? event.outcome : { text: String(event.outcome), style: 'red' },
    ]),
  );
}

/** The one-time display of a full key, with a warning that it is not shown again. */
export function secretNotice(apiKey: string): string {
  return `\n  ${render({ text: apiKey, style: 'bold' })}\n\n${paint('yellow', 'This is the only time the full key is shown: store it now, in a secret manager, not in code.')}`;
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** Uses per bucket and outcome, as the usage routes answer them. */
export interface UsageCounts {
  valid: number;
  rateLimited: number;
  usageExceeded: number;
  ipNotAllowed: number;
  refused: number;
}

const counts = new Intl.NumberFormat('en');
const usageColumns: [keyof UsageCounts, string][] = [
  ['valid', 'VALID'],
  ['rateLimited', 'RATE LIMITED'],
  ['usageExceeded', 'USAGE EXCEEDED'],
  ['ipNotAllowed', 'IP NOT ALLOWED'],
  ['refused', 'REFUSED'],
];

/** One row per bucket (UTC), then the totals. */
export function usageTable(items: (UsageCounts & { at: string })[], totals: UsageCounts, granularity: 'hour' | 'day'): string {
  const time = (at: string) => (granularity === 'hour' ? `${at.slice(0, 10)} ${at.slice(11, 16)}` : at.slice(0, 10));
  const row = (label: Cell, c: UsageCounts): Cell[] => [label, ...usageColumns.map(([key]) => counts.format(c[key]))];
  return table(
    [granularity === 'hour' ? 'HOUR (UTC)' : 'DAY (UTC)', ...usageColumns.map(([, h]) => h)],
    [...items.map((item) => row(time(item.at), item)), row({ text: 'TOTAL', style: 'bold' }, totals)],
  );
}

/** ▁▂▃▄▅▆▇█ scaled to the largest value; all zero is all ▁. */
export function sparkline(values: number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const max = Math.max(0, ...values);
  return values.map((v) => bars[max === 0 ? 0 : Math.round((v / max) * (bars.length - 1))]).join('');
}

export function topKeysTable(keys: { keyId: string; name: string | null; valid: number }[]): string {
  return table(
    ['KEY ID', 'NAME', 'VALID'],
    keys.map((key) => [key.keyId, key.name ?? { text: '(deleted)', style: 'dim' }, counts.format(key.valid)]),
  );
}
