/** Usage over time as an accessible SVG bar chart, with a data table and a one-sentence summary. */
import { h } from './dom.ts';

export interface UsageBucket {
  at: string;
  valid: number;
  rateLimited: number;
  usageExceeded: number;
  ipNotAllowed: number;
  refused: number;
}
export type Outcome = Exclude<keyof UsageBucket, 'at'>;
export type Range = { label: string; granularity: 'hour' | 'day'; hours: number };

export const outcomes: [Outcome, string][] = [
  ['valid', 'Valid'],
  ['rateLimited', 'Rate limited'],
  ['usageExceeded', 'Usage exceeded'],
  ['ipNotAllowed', 'IP not allowed'],
  ['refused', 'Refused'],
];
export const ranges: Range[] = [
  { label: 'last 24 hours', granularity: 'hour', hours: 24 },
  { label: 'last 7 days', granularity: 'day', hours: 7 * 24 },
  { label: 'last 30 days', granularity: 'day', hours: 30 * 24 },
];

const SVG = 'http://www.w3.org/2000/svg';
function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (SVGElement | string)[]) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

const number = new Intl.NumberFormat('en');
const bucketLabel = (at: string, granularity: Range['granularity']) =>
  granularity === 'hour' ? `${at.slice(5, 10)} ${at.slice(11, 16)} UTC` : at.slice(0, 10);

/** "124 valid uses, 3 rate limited in the last 7 days" (only the outcomes that happened, valid always). */
export function summary(totals: Omit<UsageBucket, 'at'>, range: Range) {
  const parts = outcomes
    .filter(([key]) => key === 'valid' || totals[key] > 0)
    .map(
      ([key, label]) =>
        `${number.format(totals[key])} ${key === 'valid' ? `valid use${totals.valid === 1 ? '' : 's'}` : label.toLowerCase()}`,
    );
  return `${parts.join(', ')} in the ${range.label}.`;
}

/** The chart (hidden from assistive tech: the table says the same) and the table. */
export function usageChart(items: UsageBucket[], range: Range, title: string) {
  const width = 720,
    height = 200,
    left = 40,
    bottom = 24,
    top = 8;
  const max = Math.max(1, ...items.map((b) => outcomes.reduce((sum, [key]) => sum + b[key], 0)));
  const step = (width - left) / Math.max(1, items.length);
  const bar = Math.max(1, step * 0.75);
  const y = (value: number) => top + (height - top - bottom) * (1 - value / max);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', 'aria-hidden': 'true', focusable: 'false' });
  for (const tick of [0, max / 2, max]) {
    const value = Math.round(tick);
    svg.append(
      s('line', { x1: left, x2: width, y1: y(value), y2: y(value), class: 'chart-grid' }),
      s('text', { x: left - 4, y: y(value) + 4, 'text-anchor': 'end', class: 'chart-axis' }, number.format(value)),
    );
  }
  items.forEach((bucket, index) => {
    let base = 0;
    const x = left + index * step + (step - bar) / 2;
    for (const [key] of outcomes) {
      if (!bucket[key]) continue;
      svg.append(s('rect', { x, width: bar, y: y(base + bucket[key]), height: y(base) - y(base + bucket[key]), class: `bar-${key}` }));
      base += bucket[key];
    }
    const every = Math.ceil(items.length / 6);
    if (index % every === 0)
      svg.append(
        s(
          'text',
          { x: x + bar / 2, y: height - 6, 'text-anchor': 'middle', class: 'chart-axis' },
          bucketLabel(bucket.at, range.granularity),
        ),
      );
  });
  const legend = h(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    ...outcomes.map(([key, label]) => h('li', {}, h('span', { class: `swatch swatch-${key}` }), label)),
  );
  const table = h(
    'table',
    { class: 'usage-table' },
    h('caption', {}, `${title}, ${range.label}, per ${range.granularity}`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, range.granularity === 'hour' ? 'Hour' : 'Day'),
        ...outcomes.map(([, label]) => h('th', { scope: 'col' }, label)),
      ),
    ),
    h(
      'tbody',
      {},
      ...items.map((bucket) =>
        h(
          'tr',
          {},
          h(
            'th',
            { scope: 'row', 'data-label': range.granularity === 'hour' ? 'Hour' : 'Day' },
            h('time', { datetime: bucket.at }, bucketLabel(bucket.at, range.granularity)),
          ),
          ...outcomes.map(([key, label]) => h('td', { 'data-label': label }, number.format(bucket[key]))),
        ),
      ),
    ),
  );
  const details = h(
    'details',
    { class: 'usage-data' },
    h('summary', {}, 'Show the numbers as a table'),
    h('div', { class: 'table-wrap' }, table),
  );
  return h('figure', { class: 'usage-chart' }, svg, legend, details);
}

/** The range picker, the summary and the chart of `load`, reloaded when the range changes. */
export function usagePanel(
  title: string,
  load: (range: Range) => Promise<{ items: UsageBucket[]; totals: Omit<UsageBucket, 'at'> }>,
  onError: (error: unknown, retry: () => void) => HTMLElement,
  extra?: (answer: never) => HTMLElement | null,
) {
  const status = h('p', { class: 'usage-summary', role: 'status' });
  const body = h('div', {});
  const buttons = ranges.map((range, index) =>
    h(
      'button',
      { type: 'button', class: 'secondary small', 'aria-pressed': index === 0 ? 'true' : 'false', onclick: () => show(index) },
      range.label[0]!.toUpperCase() + range.label.slice(1),
    ),
  );
  const show = async (index: number) => {
    for (const [i, button] of buttons.entries()) button.setAttribute('aria-pressed', String(i === index));
    const range = ranges[index]!;
    status.textContent = `Loading usage of the ${range.label}…`;
    body.setAttribute('aria-busy', 'true');
    try {
      const answer = await load(range);
      status.textContent = summary(answer.totals, range);
      body.replaceChildren(
        usageChart(answer.items, range, title),
        ...(extra ? [extra(answer as never)].filter((x): x is HTMLElement => !!x) : []),
      );
    } catch (error) {
      status.textContent = '';
      body.replaceChildren(onError(error, () => void show(index)));
    } finally {
      body.removeAttribute('aria-busy');
    }
  };
  void show(0);
  return h(
    'div',
    { class: 'usage-panel' },
    h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Time range' }, ...buttons),
    status,
    body,
  );
}

/** `from` for a range ending now; day buckets start at 00:00 UTC, so a 7-day range starts 6 days before today. */
export function rangeQuery(range: Range) {
  const now = new Date();
  const from =
    range.granularity === 'day'
      ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (range.hours / 24 - 1)))
      : new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - (range.hours - 1) * 3_600_000);
  return { from: from.toISOString(), to: now.toISOString(), granularity: range.granularity };
}
