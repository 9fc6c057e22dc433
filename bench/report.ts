import { writeFileSync } from 'node:fs';
import { describeGoal, type FigureResult, type Measured } from './harness.js';

const HEAD = ['#', 'figure', 'measured', 'baseline', 'ratio', 'goal', 'result', 'machine'] as const;

const formatNumber = (n: number): string =>
  Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : String(Number(n.toPrecision(4)));
const formatMeasured = (m: Measured | null): string => (m ? `${formatNumber(m.value)} ${m.unit}` : '—');

/**
 * The machine calibration run before and after the figure's process (run.ts keeps it in `params`): the
 * speed of the machine the figure was measured on, beside its figure.
 */
function machineCell(f: FigureResult): string {
  const m = f.params.machineCalibrationMs as { before?: number; after?: number } | undefined;
  return m?.before === undefined || m.after === undefined ? '—' : `${m.before}/${m.after} ms`;
}

function resultWord(f: FigureResult): string {
  if (f.pass === null) {
    if (f.unmeasured === 'skipped') return 'skipped';
    return f.unmeasured === 'not built' || f.note?.startsWith('not measured') ? 'not measured yet' : 'ERROR';
  }
  return f.pass ? 'PASS' : 'FAIL';
}

/** The table as printed (and as pasted into the README): one row per figure, notes underneath. */
export function renderTable(figures: readonly FigureResult[]): string {
  const rows = figures.map((f) => [
    f.id,
    f.name,
    formatMeasured(f.measured),
    formatMeasured(f.baseline),
    f.ratio === null ? '—' : f.goal.kind === 'budget-max' ? `${f.ratio} of budget` : `${f.ratio}×`,
    describeGoal(f.goal),
    resultWord(f),
    machineCell(f),
  ]);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  const out = [line(HEAD), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  const notes = figures.filter((f) => f.note).map((f) => `  ${f.id}: ${f.note}`);
  return [...out, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

/** results.json: per figure the measured value and unit, the baseline, the ratio, the goal, pass, and the parameters. */
export function writeResults(path: string, run: Readonly<Record<string, unknown>>, figures: readonly FigureResult[]): void {
  const body = {
    ...run,
    figures: figures.map((f) => ({ ...f, goal: { ...f.goal, text: describeGoal(f.goal) } })),
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
}
