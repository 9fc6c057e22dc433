import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIGURES } from './figures.js';
import { benchScale, calibrationMs, type FigureResult, notMeasured, round, tempFolder } from './harness.js';
import { renderTable, writeResults } from './report.js';
import { missingRequirements } from './requirements.js';
import { BENCH_EXIT, parseOnly, summarize } from './summary.js';

// `npm run bench`: every figure of issue 8, in order, each in a process of its own (run-figure.ts). A
// figure is either a ratio against a baseline measured in this same run, or an absolute budget the
// issue states: this machine is shared and noisy.

/** Runs one figure in a fresh process (bench/run-figure.ts) and reads its rows back. */
async function runIsolated(here: string, id: string, scale: number): Promise<FigureResult[]> {
  const folder = tempFolder('figure');
  try {
    const out = folder.file('rows.json');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'run-figure.ts'), id, String(scale), out], { stdio: 'inherit' });
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`figure ${id}: its process exited with code ${code} (its output is above)`);
    return JSON.parse(readFileSync(out, 'utf8')) as FigureResult[];
  } finally {
    folder.remove();
  }
}

async function main(): Promise<number> {
  const scale = benchScale();
  const here = dirname(fileURLToPath(import.meta.url));
  const started = Date.now();
  console.log(
    `backup-auditor bench: BENCH_SCALE=${scale}, node ${process.version}, ` +
      `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown cpu'})\n`,
  );
  let only: readonly string[] | undefined;
  try {
    // BENCH_ONLY=2,5 runs some figures (the others keep their rows as "skipped").
    only = parseOnly(
      process.env.BENCH_ONLY,
      FIGURES.map((f) => f.id),
    );
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return BENCH_EXIT.usage;
  }
  const chosen = FIGURES.filter((f) => !only || only.includes(f.id));
  // Up front, so a run that cannot be complete says so before it spends minutes on the rest.
  const missing = new Map<string, string[]>();
  for (const f of chosen) {
    const lacking = missingRequirements(f.requires ?? [], process.env);
    if (lacking.length === 0) continue;
    missing.set(
      f.id,
      lacking.map((l) => l.problem),
    );
    console.log(`figure ${f.id} cannot run on this machine: ${lacking.map((l) => `${l.problem}; ${l.hint}`).join('; ')}`);
  }
  if (missing.size > 0) console.log('');
  const results: FigureResult[] = [];
  const calibrations: number[] = [];
  for (const figure of FIGURES) {
    if (!chosen.includes(figure)) {
      results.push(notMeasured(figure.id, figure.name, figure.goal, 'skipped', 'skipped by BENCH_ONLY'));
      continue;
    }
    if (typeof figure.run !== 'function') {
      results.push(notMeasured(figure.id, figure.name, figure.goal, 'not built', figure.run.needs));
      continue;
    }
    const problems = missing.get(figure.id);
    if (problems) {
      results.push(notMeasured(figure.id, figure.name, figure.goal, 'could not run', problems.join('; ')));
      continue;
    }
    const calibration = calibrationMs();
    calibrations.push(calibration);
    const t0 = Date.now();
    process.stdout.write(`figure ${figure.id} (${figure.name}; machine calibration ${calibration} ms)... `);
    try {
      const rows = await runIsolated(here, figure.id, scale);
      // Again after: a machine that slowed down during the figure shows here.
      const after = calibrationMs();
      calibrations.push(after);
      results.push(...rows.map((r) => ({ ...r, params: { ...r.params, machineCalibrationMs: { before: calibration, after } } })));
      process.stdout.write(`(after: ${after} ms) `);
      console.log(
        `${((Date.now() - t0) / 1000).toFixed(1)} s: ` +
          `${rows.map((r) => `${r.id} ${r.pass === null ? 'ERROR' : r.pass ? 'PASS' : 'FAIL'}`).join(', ')}`,
      );
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.log(`ERROR after ${((Date.now() - t0) / 1000).toFixed(1)} s\n${message}`);
      results.push(notMeasured(figure.id, figure.name, figure.goal, 'could not run', `ERROR: ${message.split('\n')[0]}`));
    }
  }
  const totalS = round((Date.now() - started) / 1000, 1);
  console.log(`\n${renderTable(results)}\n`);
  const machine = calibrations.length > 0 ? { fastestMs: Math.min(...calibrations), slowestMs: Math.max(...calibrations) } : null;
  if (machine)
    console.log(
      'Machine calibration (one fixed workload before and after each figure; higher is a slower machine): ' +
        `${machine.fastestMs}–${machine.slowestMs} ms.`,
    );
  const summary = summarize(results);
  for (const line of summary.lines) console.log(line);
  console.log(`Total ${totalS} s. Results: ${join(here, 'results.json')}`);
  writeResults(
    join(here, 'results.json'),
    {
      generatedAt: new Date(started).toISOString(),
      scale,
      node: process.version,
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? null,
      totalSeconds: totalS,
      machineCalibrationMs: machine,
    },
    results,
  );
  // A goal missed is a finding; a figure that could not run leaves the run incomplete.
  return summary.exitCode;
}

process.exitCode = await main();
