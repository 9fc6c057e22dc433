import type { FigureResult } from './harness.js';

/**
 * `npm run bench` exit codes. A goal missed is a finding the table reports (0); a figure that could
 * not run (its process failed, or the machine lacks something it needs) leaves the run incomplete
 * (2); an unknown BENCH_ONLY id is bad usage (64). The bench itself crashing exits 1, as node does.
 */
export const BENCH_EXIT = { complete: 0, couldNotRun: 2, usage: 64 } as const;

/**
 * The figures BENCH_ONLY chooses, or undefined (every figure). An id selects that figure; a number
 * that is no figure's id selects every figure of that number (`5` is `5a` and `5b`), so `2` runs
 * figure 2 alone and `2b` must be named. An id no figure has is an error, so a typo does not end in
 * a run that measured nothing and calls that a success.
 */
export function parseOnly(raw: string | undefined, ids: readonly string[]): readonly string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const wanted = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const chosenBy = (w: string): readonly string[] => (ids.includes(w) ? [w] : ids.filter((id) => w === id.replace(/[a-z]+$/, '')));
  const unknown = wanted.filter((w) => chosenBy(w).length === 0);
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: no figure ${unknown.join(', ')}; the figures are ${ids.join(', ')}`);
  return ids.filter((id) => wanted.some((w) => chosenBy(w).includes(id)));
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The lines under the table and the exit code: what failed, what could not run and why, what was skipped. */
export function summarize(results: readonly FigureResult[]): { readonly lines: readonly string[]; readonly exitCode: number } {
  const failed = results.filter((r) => r.pass === false).map((r) => r.id);
  const passed = results.filter((r) => r.pass === true).length;
  const broken = results.filter((r) => r.pass === null && r.unmeasured === 'could not run');
  const skipped = results.filter((r) => r.pass === null && r.unmeasured === 'skipped').map((r) => r.id);
  const notBuilt = results.filter((r) => r.pass === null && r.unmeasured === 'not built').map((r) => r.id);
  const lines: string[] = [];
  if (failed.length > 0) lines.push(`FAIL: figure(s) ${failed.join(', ')} miss their goal (a finding: the exit code stays 0).`);
  else if (passed > 0 && broken.length > 0)
    lines.push(
      `${passed === 1 ? 'The one figure measured meets its' : `The ${passed} figures measured meet their`} goal, ` +
        'but the run is incomplete.',
    );
  else if (passed > 0) lines.push(`Every measured figure meets its goal (${plural(passed, 'figure', 'figures')}).`);
  else lines.push('No figure was measured.');
  if (broken.length > 0) {
    const why = broken.map((r) => `${r.id} (${(r.note ?? 'no reason given').replace(/^could not run: /, '')})`);
    lines.push(`${plural(broken.length, 'figure', 'figures')} could not run: ${why.join(', ')}; exit code ${BENCH_EXIT.couldNotRun}.`);
  }
  if (notBuilt.length > 0) lines.push(`Not measured yet (the capability is not built): ${notBuilt.join(', ')}.`);
  if (skipped.length > 0) lines.push(`Skipped by BENCH_ONLY: ${skipped.join(', ')}.`);
  return { lines, exitCode: broken.length > 0 ? BENCH_EXIT.couldNotRun : BENCH_EXIT.complete };
}
