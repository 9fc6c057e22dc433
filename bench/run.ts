import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertLatencyFigures } from './alert-latency.js';
import { clientOverheadFigures } from './client-overhead.js';
import { evaluationFigures } from './evaluation.js';
import { benchScale, calibrationMs, notMeasured, round, type FigureResult, type Goal } from './harness.js';
import { fleetScanFigure } from './fleet-scan.js';
import { ingestFigure } from './ingest.js';
import { scaleOutFigure } from './scale-out.js';
import { reportFigure } from './report-figure.js';
import { renderTable, writeResults } from './report.js';

// `npm run bench`: every figure of issue 8, in order. A figure is either a ratio against a baseline
// measured in this same run, or an absolute budget the issue states: this machine is shared and noisy.

interface Figure {
  readonly id: string;
  readonly name: string;
  readonly goal: Goal;
  /** Figures that need a capability not built yet say which; they still get their row. */
  readonly run: ((scale: number) => Promise<FigureResult[]> | FigureResult[]) | { readonly needs: string };
}

// BENCH_ONLY=2,5 runs some figures (the others keep their rows as "skipped").
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());

const FIGURES: readonly Figure[] = [
  { id: '1', name: 'Ingest', goal: { kind: 'ratio-min', min: 0.8 }, run: (scale) => [ingestFigure(scale)] },
  { id: '2', name: 'Fleet scan: wall time / rate-limit floor', goal: { kind: 'ratio-max', max: 1.15 }, run: async (scale) => [await fleetScanFigure(scale)] },
  { id: '3', name: 'Evaluation', goal: { kind: 'budget-max', max: 5, unit: 's' }, run: (scale) => evaluationFigures(scale) },
  { id: '4', name: 'Weekly report, 10,000 targets, html + json', goal: { kind: 'budget-max', max: 3, unit: 's' }, run: (scale) => [reportFigure(scale)] },
  { id: '5', name: 'Alert latency: FAILED in simulator → Slack sink', goal: { kind: 'budget-max', max: 1, unit: 's' }, run: (scale) => alertLatencyFigures(scale) },
  { id: '6', name: 'Client overhead', goal: { kind: 'ratio-max', max: 1 }, run: (scale) => clientOverheadFigures(scale) },
  { id: '7', name: 'Scale-out: 2 vs 1 BullMQ poll workers', goal: { kind: 'ratio-min', min: 1.8 }, run: async (scale) => [await scaleOutFigure(scale)] },
];

async function main(): Promise<number> {
  const scale = benchScale();
  const here = dirname(fileURLToPath(import.meta.url));
  const started = Date.now();
  console.log(`backup-auditor bench: BENCH_SCALE=${scale}, node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'})\n`);
  const results: FigureResult[] = [];
  const calibrations: number[] = [];
  let errors = 0;
  for (const figure of FIGURES) {
    if (only && !only.includes(figure.id)) {
      results.push(notMeasured(figure.id, figure.name, figure.goal, 'skipped by BENCH_ONLY'));
      continue;
    }
    if (typeof figure.run !== 'function') {
      results.push(notMeasured(figure.id, figure.name, figure.goal, figure.run.needs));
      continue;
    }
    const calibration = calibrationMs();
    calibrations.push(calibration);
    const t0 = Date.now();
    process.stdout.write(`figure ${figure.id} (${figure.name}; machine calibration ${calibration} ms)... `);
    try {
      const rows = await figure.run(scale);
      // Again after: a machine that slowed down during the figure shows here.
      const after = calibrationMs();
      calibrations.push(after);
      results.push(...rows.map((r) => ({ ...r, params: { ...r.params, machineCalibrationMs: { before: calibration, after } } })));
      process.stdout.write(`(after: ${after} ms) `);
      console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${rows.map((r) => `${r.id} ${r.pass === null ? 'ERROR' : r.pass ? 'PASS' : 'FAIL'}`).join(', ')}`);
    } catch (err) {
      errors++;
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.log(`ERROR after ${((Date.now() - t0) / 1000).toFixed(1)} s\n${message}`);
      results.push({ id: figure.id, name: figure.name, measured: null, baseline: null, ratio: null, goal: figure.goal, pass: null, note: `ERROR: ${message.split('\n')[0]}`, params: {} });
    }
  }
  const totalS = round((Date.now() - started) / 1000, 1);
  console.log(`\n${renderTable(results)}\n`);
  const machine = calibrations.length > 0 ? { fastestMs: Math.min(...calibrations), slowestMs: Math.max(...calibrations) } : null;
  if (machine) console.log(`Machine calibration (one fixed workload before and after each figure; higher is a slower machine): ${machine.fastestMs}–${machine.slowestMs} ms.`);
  const failed = results.filter((r) => r.pass === false).map((r) => r.id);
  console.log(failed.length > 0 ? `FAIL: figure(s) ${failed.join(', ')} miss their goal (a report, so the exit code stays 0).` : 'Every measured figure meets its goal.');
  console.log(`Total ${totalS} s. Results: ${join(here, 'results.json')}`);
  writeResults(
    join(here, 'results.json'),
    { generatedAt: new Date(started).toISOString(), scale, node: process.version, cores: availableParallelism(), cpu: cpus()[0]?.model ?? null, totalSeconds: totalS, machineCalibrationMs: machine },
    results,
  );
  // A goal missed is a finding; a figure that could not run at all is a broken benchmark.
  return errors > 0 ? 1 : 0;
}

process.exitCode = await main();
