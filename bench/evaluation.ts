import { type AppDeps, createDeps } from '../jobs/deps.js';
import { closeDatabase, type Db, openDatabase } from '../src/db/client.js';
import { recordPoll } from '../src/db/ingest.js';
import { type EvaluationSummary, evaluateTargets } from '../src/engine/evaluate.js';
import { type BenchTarget, benchConfig, benchTarget, dailySpecs, normalized, repolledSpecs } from './eval-fleet.js';
import {
  collectGarbage,
  type FigureResult,
  type Goal,
  judge,
  median,
  mib,
  RssSampler,
  round,
  scaled,
  tempFolder,
  timeSync,
} from './harness.js';
import { recordReads, replayReads } from './read-baseline.js';

const MIN = 60_000;
const thousands = (n: number): string => n.toLocaleString('en-US');
const NOW = Date.parse('2026-06-01T06:00:00Z');
const DAYS = 365;
const FULL_RUNS = 3;
const INCREMENTAL_RUNS = 5;

/** Writes every target's first listing through recordPoll, one poll per target (plus failed polls where the condition says so). */
function ingestFleet(db: Db, targets: readonly BenchTarget[], rss: RssSampler): { rows: number; recordPollMs: number; wallMs: number } {
  let rows = 0;
  let recordPollMs = 0;
  const wall = timeSync(() => {
    for (const t of targets) {
      const failing = t.condition === 'poll-failing';
      const backups = normalized(t, dailySpecs(t, DAYS, NOW));
      const okAt = failing ? NOW - 4 * 60 * MIN : NOW - 5 * MIN;
      recordPollMs += timeSync(() =>
        recordPoll(db, {
          targetId: t.id,
          startedAt: okAt - 3000,
          finishedAt: okAt,
          outcome: { ok: true, pages: Math.ceil(backups.length / 100), backups },
        }),
      ).ms;
      rows += backups.length;
      // Since then every poll was refused: three in a row is what poll-failing alarms on.
      for (const at of failing ? [NOW - 180 * MIN, NOW - 120 * MIN, NOW - 5 * MIN] : []) {
        const error = { kind: 'auth', code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.' };
        recordPollMs += timeSync(() =>
          recordPoll(db, { targetId: t.id, startedAt: at - 500, finishedAt: at, outcome: { ok: false, pages: 0, error } }),
        ).ms;
      }
      if (t.index % 100 === 0) rss.sample();
    }
  });
  return { rows, recordPollMs, wallMs: wall.ms };
}

const summaryOf = (s: EvaluationSummary, ms: number) => ({
  seconds: round(ms / 1000),
  findings: s.findings,
  changes: s.changes,
  notifications: s.notifications,
  byState: s.byState,
});

/** What the first evaluation found per rule, so the mix is seen to exercise every rule. */
function alarmsByRule(db: Db): Record<string, number> {
  const rows = db.$client
    .prepare(`SELECT rule_id, COUNT(*) AS n FROM findings WHERE state = 'alarm' GROUP BY rule_id ORDER BY rule_id`)
    .all() as { rule_id: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.rule_id, r.n]));
}

/** `count` targets spread over the fleet, a different set for each repetition. */
function changedSet(targets: readonly BenchTarget[], count: number, rep: number): BenchTarget[] {
  const stride = Math.max(1, Math.floor(targets.length / count));
  return Array.from({ length: count }, (_, j) => targets[(j * stride + rep * 7 + 1) % targets.length] as BenchTarget);
}

function evaluate(deps: AppDeps, now: number, targetIds?: readonly string[]): { summary: EvaluationSummary; ms: number } {
  collectGarbage();
  const r = timeSync(() => evaluateTargets(deps, targetIds ? { now, targetIds } : { now }));
  return { summary: r.value, ms: r.ms };
}

/**
 * What reading the rows of a full evaluation costs by itself: one pass on a fresh connection records
 * every read it runs, which are then run again with raw prepared statements (rows as arrays, nothing
 * built from them), median of three. The limit of an evaluation is reading its rows; this is that limit.
 */
function readBaseline(file: string, loaded: ReturnType<typeof benchConfig>, now: number): { ms: number; reads: number; rows: number } {
  const db = openDatabase(file);
  try {
    const { reads } = recordReads(db, () => evaluateTargets(createDeps({ db, loaded }), { now }));
    let rows = 0;
    const runs = Array.from({ length: 3 }, () => {
      collectGarbage();
      return timeSync(() => (rows = replayReads(db, reads))).ms;
    });
    return { ms: median(runs), reads: reads.length, rows };
  } finally {
    closeDatabase(db);
  }
}

/**
 * Figure 3: every rule over N targets × 365 daily backups written through recordPoll. The first
 * evaluation (findings created, first alerts queued) is reported; the goal is on later ones, as in
 * steady state: the median of FULL_RUNS full passes a minute apart, then INCREMENTAL_RUNS rounds of
 * `changed` targets re-polled and evaluated by id.
 */
export function evaluationFigures(scale: number): FigureResult[] {
  const count = scaled(10_000, scale, 100);
  const changed = scaled(100, scale, 10);
  const targets = Array.from({ length: count }, (_, i) => benchTarget(i));
  const configLoad = timeSync(() => benchConfig(targets));
  const folder = tempFolder('evaluation');
  const db = openDatabase(folder.file('evaluation.db'));
  const rss = new RssSampler();
  try {
    const setup = ingestFleet(db, targets, rss);
    const deps = createDeps({ db, loaded: configLoad.value });
    const first = evaluate(deps, NOW);
    const alarms = alarmsByRule(db);
    const full = Array.from({ length: FULL_RUNS }, (_, k) => evaluate(deps, NOW + (k + 1) * MIN));
    rss.sample();
    const baseline = readBaseline(folder.file('evaluation.db'), configLoad.value, NOW + (FULL_RUNS + 1) * MIN);
    const incremental = Array.from({ length: INCREMENTAL_RUNS }, (_, rep) => {
      const at = NOW + (10 + rep * 5) * MIN;
      const set = changedSet(targets, changed, rep);
      for (const t of set) {
        const backups = normalized(t, repolledSpecs(t, DAYS, NOW, at - MIN));
        recordPoll(db, {
          targetId: t.id,
          startedAt: at - MIN - 3000,
          finishedAt: at - MIN,
          outcome: { ok: true, pages: Math.ceil(backups.length / 100), backups },
        });
      }
      return evaluate(
        deps,
        at,
        set.map((t) => t.id),
      );
    });
    rss.sample();
    const fullMs = median(full.map((f) => f.ms));
    const incMs = median(incremental.map((f) => f.ms));
    const rows = setup.rows;
    const fileMiB = mib(
      db.$client.prepare(`SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).pluck().get() as number,
    );
    const shared = {
      targets: count,
      dailyBackupsPerTarget: DAYS,
      backupRows: rows,
      mix: Object.fromEntries(
        ['healthy', 'failed', 'stale', 'running', 'shrunk', 'poll-failing'].map((c) => [
          c,
          targets.filter((t) => t.condition === c).length,
        ]),
      ),
      clouds: { aliyun: targets.filter((t) => t.cloud === 'aliyun').length, otc: targets.filter((t) => t.cloud === 'otc').length },
      setup: {
        configLoadSeconds: round(configLoad.ms / 1000),
        ingestSeconds: round(setup.wallMs / 1000, 1),
        recordPollRowsPerSecond: Math.round(rows / (setup.recordPollMs / 1000)),
        databaseMiB: fileMiB,
      },
      peakRssMiB: mib(rss.stop()),
    };
    const fullGoal: Goal = { kind: 'ratio-max', max: 2 };
    const incGoal: Goal = { kind: 'budget-max', max: 1, unit: 's' };
    return [
      {
        id: '3a',
        name: `Evaluation, full: ${count.toLocaleString('en-US')} targets × ${DAYS} backups`,
        measured: { value: round(fullMs / 1000), unit: 's', how: `median of ${FULL_RUNS} steady-state passes (after a first one)` },
        baseline: {
          value: round(baseline.ms / 1000),
          unit: 's',
          how: `the ${thousands(baseline.reads)} reads of one pass (${thousands(baseline.rows)} rows), raw statements`,
        },
        goal: fullGoal,
        ...judge(fullGoal, fullMs, baseline.ms),
        params: {
          ...shared,
          targetsPerSecond: Math.round(count / (fullMs / 1000)),
          backupRowsCoveredPerSecond: Math.round(rows / (fullMs / 1000)),
          fullRunsSeconds: full.map((f) => round(f.ms / 1000)),
          firstEvaluation: { ...summaryOf(first.summary, first.ms), alarmsByRule: alarms },
          steadyState: summaryOf(full[0]?.summary as EvaluationSummary, full[0]?.ms ?? 0),
        },
      },
      {
        id: '3b',
        name: `Evaluation, incremental: ${changed} targets changed`,
        measured: { value: round(incMs / 1000), unit: 's', how: `median of ${INCREMENTAL_RUNS}, each after re-polling ${changed} targets` },
        baseline: null,
        goal: incGoal,
        ...judge(incGoal, incMs / 1000),
        params: {
          changedTargets: changed,
          change: 'a manual backup just taken (1 in 10 failed) and any running backup finished',
          targetsPerSecond: Math.round(changed / (incMs / 1000)),
          runsSeconds: incremental.map((f) => round(f.ms / 1000, 4)),
          lastRun: summaryOf(incremental.at(-1)?.summary as EvaluationSummary, incremental.at(-1)?.ms ?? 0),
          fleet: { targets: count, backupRows: rows },
        },
      },
    ];
  } finally {
    closeDatabase(db);
    folder.remove();
  }
}
