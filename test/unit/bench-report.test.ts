import { describe, expect, it } from 'vitest';
import { checked, checkedRatio, formatReport, measurePhases, type Phase, type ReportRow } from '../../bench/report.ts';

describe('the benchmark report', () => {
  it('marks a phase that throws as not measured, and still runs and reports the phases after it', async () => {
    const errors: string[] = [];
    const ran: string[] = [];
    const phase = (name: string, result: () => ReportRow[]): Phase => [
      name,
      async () => {
        ran.push(name);
        return result();
      },
    ];
    const rows = await measurePhases(
      [
        phase('first', () => [checked('first ratio', '1.01', '<= 1.1', true)]),
        phase('revoke-all', () => {
          throw new Error('503 from revoke-all');
        }),
        phase('last', () => [checked('last ratio', '1.30', '<= 1.2', false)]),
      ],
      (line) => errors.push(line),
    );
    expect(ran).toEqual(['first', 'revoke-all', 'last']);
    expect(rows.map((row) => [row.figure, row.verdict])).toEqual([
      ['first ratio', 'PASS'],
      ['revoke-all: not measured', 'FAIL'],
      ['last ratio', 'MISS'],
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^the revoke-all phase failed: Error: 503 from revoke-all/);
    expect(formatReport(rows).split('\n')[3]).toBe('revoke-all: not measured | 503 from revoke-all |        | FAIL');
  });

  it('judges a ratio against its bounds, showing a third decimal only where two would round onto a missed bound', () => {
    const row = (ratio: number, bounds: { min?: number; max: number }) => {
      const { value, target, verdict } = checkedRatio('ratio', ratio, bounds);
      return [value, target, verdict];
    };
    expect(row(1.1449, { max: 1.15 })).toEqual(['1.14', '<= 1.15', 'PASS']);
    expect(row(1.15, { max: 1.15 })).toEqual(['1.15', '<= 1.15', 'PASS']);
    expect(row(1.1532, { max: 1.15 })).toEqual(['1.153', '<= 1.15', 'MISS']);
    expect(row(1.1683, { max: 1.15 })).toEqual(['1.17', '<= 1.15', 'MISS']);
    expect(row(0.8962, { min: 0.9, max: 1.1 })).toEqual(['0.896', '0.9 to 1.1', 'MISS']);
    expect(row(0.9, { min: 0.9, max: 1.1 })).toEqual(['0.90', '0.9 to 1.1', 'PASS']);
    expect(row(1.1049, { min: 0.9, max: 1.1 })).toEqual(['1.105', '0.9 to 1.1', 'MISS']);
  });
});
