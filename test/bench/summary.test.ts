import { describe, expect, it } from 'vitest';
import { type FigureResult, judge, notMeasured } from '../../bench/harness.js';
import { renderTable } from '../../bench/report.js';
import { missingRequirements, REDIS_SERVER } from '../../bench/requirements.js';
import { BENCH_EXIT, parseOnly, summarize } from '../../bench/summary.js';

const budget = { kind: 'budget-max', max: 1, unit: 's' } as const;

function measured(id: string, seconds: number): FigureResult {
  const { ratio, pass } = judge(budget, seconds);
  return {
    id,
    name: `figure ${id}`,
    measured: { value: seconds, unit: 's', how: 'once' },
    baseline: null,
    ratio,
    goal: budget,
    pass,
    params: {},
  };
}

const redisMissing = (id: string) => notMeasured(id, `figure ${id}`, budget, 'could not run', 'redis-server not found');
const skipped = (id: string) => notMeasured(id, `figure ${id}`, budget, 'skipped', 'skipped by BENCH_ONLY');

describe('the bench summary', () => {
  it('names every figure that could not run, with why, and exits non-zero even when the rest pass', () => {
    const crashed = notMeasured('2', 'figure 2', budget, 'could not run', 'ERROR: its process exited with code 1');
    const summary = summarize([measured('1', 0.5), crashed, redisMissing('5b'), redisMissing('7')]);
    expect(summary.lines).toContain(
      '3 figures could not run: 2 (ERROR: its process exited with code 1), 5b (redis-server not found), ' +
        `7 (redis-server not found); exit code ${BENCH_EXIT.couldNotRun}.`,
    );
    expect(summary.lines.join('\n')).not.toMatch(/Every measured figure meets its goal/);
    expect(summary.exitCode).toBe(BENCH_EXIT.couldNotRun);
  });

  it('lets figures skipped by BENCH_ONLY pass the run, and says they were skipped', () => {
    const summary = summarize([skipped('1'), measured('3a', 0.2), skipped('4')]);
    expect(summary.lines).toEqual(['Every measured figure meets its goal (1 figure).', 'Skipped by BENCH_ONLY: 1, 4.']);
    expect(summary.exitCode).toBe(BENCH_EXIT.complete);
  });

  it('reports a missed goal as a finding without failing the run', () => {
    const summary = summarize([measured('1', 0.5), measured('4', 3.2)]);
    expect(summary.lines[0]).toMatch(/^FAIL: figure\(s\) 4 miss their goal/);
    expect(summary.exitCode).toBe(BENCH_EXIT.complete);
  });

  it('does not call a run that measured nothing a success', () => {
    expect(summarize([redisMissing('7')]).lines[0]).toBe('No figure was measured.');
  });

  it("shows each figure's machine calibration, before and after it, beside its result", () => {
    const row = { ...measured('1', 0.5), params: { machineCalibrationMs: { before: 52.1, after: 54 } } };
    expect(renderTable([row, measured('2', 0.4)])).toMatch(/\| 1 +\|.*\| PASS +\| 52\.1\/54 ms \|\n\| 2 +\|.*\| PASS +\| — +\|/);
  });

  it('shows skipped and could-not-run rows apart in the table', () => {
    const table = renderTable([skipped('1'), redisMissing('7')]);
    expect(table).toMatch(/\| 1 +\|.*\| skipped +\|/);
    expect(table).toMatch(/\| 7 +\|.*\| ERROR +\|/);
    expect(table).toContain('7: could not run: redis-server not found');
  });
});

describe('BENCH_ONLY', () => {
  const ids = ['1', '2', '2b', '5a', '5b', '7'];

  it('selects figures by id, or by number for all rows of a figure', () => {
    expect(parseOnly(undefined, ids)).toBeUndefined();
    expect(parseOnly(' 5 , 7', ids)).toEqual(['5a', '5b', '7']);
  });

  it('selects only the figure an id names when other figures share its number', () => {
    expect(parseOnly('2', ids)).toEqual(['2']);
    expect(parseOnly('2b', ids)).toEqual(['2b']);
    expect(parseOnly('2b,1', ids)).toEqual(['1', '2b']);
  });

  it('rejects an id no figure has, naming the ones there are', () => {
    expect(() => parseOnly('5,8', ids)).toThrow('BENCH_ONLY: no figure 8; the figures are 1, 2, 2b, 5a, 5b, 7');
  });
});

describe('the requirements check', () => {
  it('names a missing redis-server, where it was looked for, and how to get one', () => {
    expect(missingRequirements([REDIS_SERVER], { PATH: '', REDIS_SERVER: '/nonexistent/redis-server' })).toEqual([
      {
        problem: 'redis-server not found: REDIS_SERVER=/nonexistent/redis-server is not executable',
        hint: expect.stringContaining('apt-get install redis-server'),
      },
    ]);
  });

  it('finds nothing missing when REDIS_SERVER names an executable', () => {
    expect(missingRequirements([REDIS_SERVER], { PATH: '', REDIS_SERVER: process.execPath })).toEqual([]);
  });
});
