import { type Figures, readFigures, resetFigures } from './support.js';

// Prints the suite's figures once every test file has run, as the table the README shows.

const COLUMNS: readonly [keyof Figures, string][] = [
  ['area', 'area'],
  ['cycles', 'cycles'],
  ['kills', 'kills'],
  ['alarmsExpected', 'alarms expected'],
  ['alarmsDelivered', 'delivered'],
  ['alarmsDuplicated', 'duplicated'],
  ['faultsInjected', 'faults injected'],
  ['inputsFuzzed', 'inputs fuzzed'],
  ['secretsFound', 'secrets found'],
  ['seconds', 'seconds'],
];

export function summaryTable(rows: readonly Figures[]): string {
  const total: Record<string, number> = {};
  for (const r of rows) for (const [k] of COLUMNS.slice(1)) if (typeof r[k] === 'number') total[k] = (total[k] ?? 0) + (r[k] as number);
  const cell = (r: Partial<Record<keyof Figures, unknown>>, k: keyof Figures): string => (r[k] === undefined ? '' : String(r[k]));
  const lines = [
    `| ${COLUMNS.map(([, h]) => h).join(' | ')} |`,
    `|${COLUMNS.map(([k]) => (k === 'area' ? '---' : '---:')).join('|')}|`,
    ...[...rows].sort((a, b) => a.area.localeCompare(b.area)).map((r) => `| ${COLUMNS.map(([k]) => cell(r, k)).join(' | ')} |`),
    `| **total** | ${COLUMNS.slice(1)
      .map(([k]) => (total[k] === undefined ? '' : String(Math.round(total[k] * 10) / 10)))
      .join(' | ')} |`,
  ];
  return lines.join('\n');
}

export function setup(): () => void {
  // One file per run (the workers inherit this), so two runs side by side keep their own figures.
  process.env.FAULTS_RUN_ID ??= String(process.pid);
  resetFigures();
  return () => {
    const rows = readFigures();
    resetFigures();
    process.stdout.write(`\nFault and abuse suite summary (FAULTS_SCALE=${process.env.FAULTS_SCALE ?? '1'})\n\n${summaryTable(rows)}\n\n`);
  };
}
