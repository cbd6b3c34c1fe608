export type Verdict = 'PASS' | 'MISS' | '';

export interface ReportRow {
  figure: string;
  value: string;
  /** Empty for figures that are context rather than a target. */
  target: string;
  verdict: Verdict;
}

export const info = (figure: string, value: string): ReportRow => ({ figure, value, target: '', verdict: '' });

export const checked = (figure: string, value: string, target: string, met: boolean): ReportRow => ({
  figure,
  value,
  target,
  verdict: met ? 'PASS' : 'MISS',
});

/** A plain-text table (console.table would quote every string). */
export function formatReport(rows: readonly ReportRow[]): string {
  const header: ReportRow = { figure: 'figure', value: 'value', target: 'target', verdict: '' };
  const cells = (row: ReportRow) => [row.figure, row.value, row.target, row.verdict || (row === header ? 'result' : '')];
  const all = [header, ...rows].map(cells);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...all.map((line) => (line[column] ?? '').length)));
  const format = (line: string[]) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('-+-');
  const [head, ...body] = all;
  return [format(head ?? []), rule, ...body.map(format)].join('\n');
}
