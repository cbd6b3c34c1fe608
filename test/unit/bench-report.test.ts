import { describe, expect, it } from 'vitest';
import { checked, formatReport, measurePhases, type Phase, type ReportRow } from '../../bench/report.ts';

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
});
