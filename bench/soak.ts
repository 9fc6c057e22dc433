import { slackSink } from './daemon-world.js';
import { DAY, DAY_ZERO, POLLS_A_DAY, startDailyFleet } from './daily-fleet.js';
import { collectGarbage, type FigureResult, judge, round, scaled } from './harness.js';
import { slope } from './series.js';
import { checkDeliveries, type Delivered, soakScript } from './soak-script.js';
import { describeGrowth, storageGrowth, storageSnapshot } from './storage.js';

// Figure 10: a fleet over 30 simulated days in one process, through the same cycle and processors as
// figures 9 and `run-once`, with a webhook channel on a real HTTP server. Backups fail, recover and stop
// on a script; the process's memory is sampled after a full collection at the end of each day.

const DAYS = 30;
/** The memory slope leaves out the first day: compiled code, statement caches and pools fill up there. */
const SLOPE_FROM_DAY = 2;
/**
 * A leak of one 100-byte object per poll grows the heap by 48 × targets × 100 bytes a day: 4.6 MiB at
 * the issue's 1,000 targets, 0.46 MiB at a tenth of them. Half the smaller is the goal, so such a leak fails it at any scale.
 */
const HEAP_SLOPE_MAX = 0.25;
/**
 * The allocator moves RSS by up to 25 MiB from one day to the next, without a trend; over 29 daily samples
 * that puts the slope's own error near 0.2 MiB a day. 1 MiB a day is 30 MiB a month, a year's 365.
 */
const RSS_SLOPE_MAX = 1;
/** The issue's fleet, which scale 1 runs. */
const ISSUE_TARGETS = 1_000;

/** BENCH_SOAK_TARGETS when set, else the issue's 1,000 × BENCH_SCALE. */
export function soakTargets(scale: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BENCH_SOAK_TARGETS;
  if (raw === undefined || raw === '') return scaled(ISSUE_TARGETS, scale, 10);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 10)
    throw new Error(`BENCH_SOAK_TARGETS must be an integer of at least 10, got ${JSON.stringify(raw)}`);
  return n;
}

interface WebhookBody {
  readonly createdAt: string;
  readonly items: readonly { kind: string; target: string; rule: string }[];
}

/** Figure 10a–d: heap and RSS slopes, scripted changes delivered once, storage per target-day. */
export async function soakFigures(scale: number): Promise<FigureResult[]> {
  const targets = soakTargets(scale);
  const script = soakScript(DAYS);
  const sink = await slackSink();
  // As figure 9 and the evidence issue measure storage: each backup first listed once it is over.
  const f = await startDailyFleet({
    targets,
    seenRunning: false,
    outcome: script.outcome,
    tail: `channels:\n  hook: { type: webhook, url: "${sink.url}" }\n`,
  });
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const delivered: Delivered[] = [];
  const memory: { day: number; heapMiB: number; rssMiB: number }[] = [];
  let failedPolls = 0;
  let undelivered = 0;
  let messages = 0;
  let afterWarmUp: ReturnType<typeof storageSnapshot> | undefined;
  try {
    for (let day = 0; day < DAYS; day++) {
      const totals = await f.runDay(day);
      failedPolls += totals.failedPolls;
      undelivered += totals.undelivered;
      messages += totals.messages;
      // Read and let go: what the sink keeps would otherwise be the heap's growth.
      for (const m of sink.received.splice(0)) {
        const body = JSON.parse(m.body) as WebhookBody;
        const at = Math.floor((Date.parse(body.createdAt) - DAY_ZERO) / DAY);
        for (const item of body.items) delivered.push({ target: item.target, rule: item.rule, kind: item.kind, day: at });
      }
      // The simulator's request log is the bench's, not the auditor's: bounded, it would fill on day 2 or 3.
      f.sim.requests.reset();
      if (day + 1 === SLOPE_FROM_DAY) afterWarmUp = storageSnapshot(f.db, f.dbPath);
      collectGarbage();
      const m = process.memoryUsage();
      memory.push({ day: day + 1, heapMiB: round(m.heapUsed / 2 ** 20, 2), rssMiB: round(m.rss / 2 ** 20, 2) });
    }
    const end = storageSnapshot(f.db, f.dbPath);
    const wallSeconds = round((performance.now() - started) / 1000, 1);
    const cpu = process.cpuUsage(cpuAtStart);
    // Every thread of the process: the main one and SQLite's and the runtime's helpers.
    const cpuSeconds = round((cpu.user + cpu.system) / 1e6, 1);
    const measuredDays = DAYS - SLOPE_FROM_DAY;
    const fit = memory.filter((m) => m.day >= SLOPE_FROM_DAY);
    const heapSlope = slope(fit.map((m) => ({ x: m.day, y: m.heapMiB })));
    const rssSlope = slope(fit.map((m) => ({ x: m.day, y: m.rssMiB })));
    const check = checkDeliveries(script.changes(targets), delivered);
    const wrong = check.missing.length + check.repeated.length + check.wrongDay.length + check.unscripted.length;
    const before = afterWarmUp ?? end;
    const growth = storageGrowth(before, end, targets * measuredDays);
    const polls = targets * DAYS * POLLS_A_DAY;
    const issueMinutes = (wallSeconds * ISSUE_TARGETS) / targets / 60;
    const issue =
      targets === ISSUE_TARGETS
        ? "the issue's fleet"
        : `the issue's ${ISSUE_TARGETS.toLocaleString('en-US')} targets would take ~${Math.round(issueMinutes)} min`;
    const how =
      `${targets} targets × ${DAYS} simulated days × ${POLLS_A_DAY} polls: ${polls.toLocaleString('en-US')} polls in ` +
      `${wallSeconds} s (${round((cpuSeconds * 1000) / polls, 3)} ms of CPU a poll); ${issue}`;
    const common = { targets, days: DAYS, failedPolls, wallSeconds, cpuSeconds };
    const budget = (max: number, unit: string) => ({ kind: 'budget-max' as const, max, unit });
    const row = (id: string, name: string, value: number, goal: FigureResult['goal'] & { unit: string }, more: object): FigureResult => ({
      id,
      name,
      measured: { value, unit: goal.unit, how },
      baseline: null,
      ...judge(goal, value),
      goal,
      params: { ...common, ...more },
    });
    const samples = { fitDays: `${SLOPE_FROM_DAY}–${DAYS}`, heapMiB: memory.map((m) => m.heapMiB), rssMiB: memory.map((m) => m.rssMiB) };
    const reminders = delivered.filter((d) => d.kind === 'reminder').length;
    return [
      row('10a', 'Soak: heap slope after day 1', round(heapSlope, 3), budget(HEAP_SLOPE_MAX, 'MiB/day'), { samplesAtEndOfDay: samples }),
      row('10b', 'Soak: RSS slope after day 1', round(rssSlope, 3), budget(RSS_SLOPE_MAX, 'MiB/day'), { samplesAtEndOfDay: samples }),
      {
        id: '10c',
        name: 'Soak: scripted finding changes not delivered exactly once',
        measured: { value: wrong, unit: 'changes', how },
        baseline: null,
        // A count against zero has no share of a budget.
        ratio: null,
        goal: budget(0, 'changes'),
        pass: wrong === 0,
        note: `${check.deliveredOnce} of ${check.scripted} scripted changes delivered once, on their day; ${reminders} reminders`,
        params: { ...common, ...check, reminders, messages, undelivered },
      },
      {
        ...row('10d', 'Soak: storage per target-day', Math.round(growth.fileBytes), budget(1024, 'bytes'), {
          fileBytes: { [`afterDay${SLOPE_FROM_DAY}`]: before.fileBytes, [`afterDay${DAYS}`]: end.fileBytes },
          perTargetDay: growth,
        }),
        note: `days ${SLOPE_FROM_DAY + 1}–${DAYS}, ${Math.round(growth.usedBytes)} B of it data; ${describeGrowth(growth)}`,
      },
    ];
  } finally {
    await f.close();
    await sink.close();
  }
}
