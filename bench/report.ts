/** PASS and MISS judge a figure; FAIL marks a phase that could not measure at all. */
export type Verdict = 'PASS' | 'MISS' | 'FAIL' | '';

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

/**
 * A ratio judged against its bounds. It is shown to two decimals, or to three where two would
 * round it onto a bound it misses ("1.15" against "<= 1.15" must not read as a MISS of itself).
 */
export function checkedRatio(figure: string, ratio: number, bounds: { min?: number; max: number }): ReportRow {
  const { min, max } = bounds;
  const met = ratio <= max && (min === undefined || ratio >= min);
  const shown = ratio.toFixed(2);
  const onBound = Number(shown) === max || Number(shown) === min;
  const target = min === undefined ? `<= ${max}` : `${min} to ${max}`;
  return checked(figure, !met && onBound ? ratio.toFixed(3) : shown, target, met);
}

export type Phase = readonly [name: string, measure: () => Promise<ReportRow[]>];

/**
 * Runs the phases one after another. A phase that throws is reported as a FAIL row (its stack
 * goes to `logError`) and the phases after it still run, so one failure never hides the rest.
 */
export async function measurePhases(phases: readonly Phase[], logError: (line: string) => void): Promise<ReportRow[]> {
  const rows: ReportRow[] = [];
  for (const [name, measure] of phases) {
    try {
      rows.push(...(await measure()));
    } catch (error) {
      logError(`the ${name} phase failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      rows.push({
        figure: `${name}: not measured`,
        value: error instanceof Error ? error.message : String(error),
        target: '',
        verdict: 'FAIL',
      });
    }
  }
  return rows;
}

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
