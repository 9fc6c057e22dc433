import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createDeps } from '../jobs/deps.js';
import { closeDatabase, openDatabase } from '../src/db/client.js';
import { recordPoll } from '../src/db/ingest.js';
import type { NormalizedBackup } from '../src/domain/backup.js';
import { evaluateTargets } from '../src/engine/evaluate.js';
import { benchConfig, benchTarget } from './eval-fleet.js';
import { type FigureResult, judge, median, round, scaled, tempFolder, timeSync } from './harness.js';

// Figure 4: the weekly report (html and json) for N targets whose history was recorded the way the
// daemon records it: one poll and one evaluation a day across the week, so the flip history is real.
// The report itself is made in a process of its own (report-child.ts), as `report --out` makes it.

const DAY = 86_400_000;
const H = 3_600_000;
/** Monday 2026-11-16 00:00Z: the report covers 2026-W47. */
const WEEK_START = Date.parse('2026-11-16T00:00:00Z');

/** Target `index`'s backups as listed on day `day` (0: two days before the week): one a day, some failing. */
export function backupsUpTo(index: number, day: number): NormalizedBackup[] {
  const out: NormalizedBackup[] = [];
  for (let j = 0; j <= day; j++) {
    // Every 23rd target stops backing up mid-week; others fail now and then and recover the next day.
    if (index % 23 === 0 && j >= 5) continue;
    const endedAt = WEEK_START - 2 * DAY + j * DAY + 3 * H;
    const failed = (index + j) % 17 === 0;
    out.push({
      backupId: String(300_000_000 + index * 100 + j),
      name: null,
      kind: 'full',
      trigger: 'automated',
      status: failed ? 'failed' : 'completed',
      rawStatus: failed ? 'Failed' : 'Success',
      startedAt: endedAt - 40 * 60_000,
      endedAt,
      sizeBytes: failed ? 0 : (50 + (index % 50)) * 1024 ** 3,
      raw: {},
    });
  }
  return out;
}

/** What one report measurement saw: the median wall time of html + json, and the process's peak RSS. */
interface ReportRun {
  readonly count: number;
  readonly seconds: number;
  readonly period: string;
  readonly setupSeconds: number;
  readonly htmlBytes: number | undefined;
  readonly jsonBytes: number | undefined;
  /** Peak RSS in MiB of a process that only made the report, as `report --out` does. */
  readonly peakRssMiB: number;
}

function measureReport(count: number): ReportRun {
  const targets = Array.from({ length: count }, (_, i) => benchTarget(i));
  const loaded = benchConfig(targets);
  const folder = tempFolder('report');
  const db = openDatabase(folder.file('report.db'));
  try {
    const deps = createDeps({ db, loaded });
    const days = 10; // two days before the week, the week, one day after
    const setup = timeSync(() => {
      for (let d = 0; d < days; d++) {
        const at = WEEK_START - 2 * DAY + d * DAY + 6 * H;
        for (const t of targets)
          recordPoll(db, {
            targetId: t.id,
            startedAt: at - 2_000,
            finishedAt: at,
            outcome: { ok: true, pages: 1, backups: backupsUpTo(t.index, d) },
          });
        evaluateTargets(deps, { now: at });
      }
    });
    closeDatabase(db);
    const now = WEEK_START + 8 * DAY;
    const child = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        join(import.meta.dirname, 'report-child.ts'),
        folder.file('report.db'),
        String(count),
        String(now),
        folder.dir,
      ],
      { encoding: 'utf8', maxBuffer: 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (child.status !== 0) throw new Error(`report-child exited ${child.status ?? child.signal}`);
    const seen = JSON.parse(child.stdout) as { ms: number[]; period: string; html: number; json: number; maxRssKiB: number };
    return {
      count,
      seconds: median(seen.ms) / 1000,
      period: seen.period,
      setupSeconds: round(setup.ms / 1000, 1),
      htmlBytes: seen.html,
      jsonBytes: seen.json,
      peakRssMiB: round(seen.maxRssKiB / 1024, 0),
    };
  } finally {
    if (db.$client.open) closeDatabase(db);
    folder.remove();
  }
}

function timeRow(id: string, run: ReportRun, max: number): FigureResult {
  const goal = { kind: 'budget-max' as const, max, unit: 's' };
  const { ratio, pass } = judge(goal, run.seconds);
  return {
    id,
    name: `Weekly report, ${run.count.toLocaleString('en-US')} targets, html + json`,
    measured: {
      value: round(run.seconds, 3),
      unit: 's',
      how: `median of 3: buildReport for ${run.period}, html and json written to files`,
    },
    baseline: null,
    ratio,
    goal,
    pass,
    params: {
      targets: run.count,
      period: run.period,
      setupSeconds: run.setupSeconds,
      htmlBytes: run.htmlBytes,
      jsonBytes: run.jsonBytes,
      peakRssMiB: run.peakRssMiB,
    },
  };
}

/** Figure 4: the weekly report of 10,000 targets within 3 s. */
export function reportFigure(scale: number): FigureResult {
  return timeRow('4', measureReport(scaled(10_000, scale, 100)), 3);
}

/**
 * Figures 4b and 4c: the report of 50,000 targets within 10 s and a peak RSS under 1 GiB. Measured in
 * a process of its own (each figure is), so the peak is this report's and its setup's alone.
 */
export function largeReportFigures(scale: number): FigureResult[] {
  const run = measureReport(scaled(50_000, scale, 500));
  const memoryGoal = { kind: 'budget-max' as const, max: 1024, unit: 'MiB' };
  const memory = judge(memoryGoal, run.peakRssMiB);
  return [
    timeRow('4b', run, 10),
    {
      id: '4c',
      name: `Weekly report, ${run.count.toLocaleString('en-US')} targets: peak RSS`,
      measured: { value: run.peakRssMiB, unit: 'MiB', how: 'maxRSS of a process that only builds and writes the report' },
      baseline: null,
      ratio: memory.ratio,
      goal: memoryGoal,
      pass: memory.pass,
      params: { targets: run.count },
    },
  ];
}
