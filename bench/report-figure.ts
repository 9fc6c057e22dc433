import { createDeps } from '../jobs/deps.js';
import { closeDatabase, openDatabase } from '../src/db/client.js';
import { recordPoll } from '../src/db/ingest.js';
import type { NormalizedBackup } from '../src/domain/backup.js';
import { evaluateTargets } from '../src/engine/evaluate.js';
import { buildReport } from '../src/report/build.js';
import { renderReport } from '../src/report/formats.js';
import { lastCompleteWeek } from '../src/report/period.js';
import { benchConfig, benchTarget } from './eval-fleet.js';
import { collectGarbage, type FigureResult, judge, median, round, scaled, tempFolder, timeSync } from './harness.js';

// Figure 4: the weekly report (html and json) for N targets whose history was recorded the way the
// daemon records it: one poll and one evaluation a day across the week, so the flip history is real.

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

export function reportFigure(scale: number): FigureResult {
  const count = scaled(10_000, scale, 100);
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
    const now = WEEK_START + 8 * DAY;
    const period = lastCompleteWeek(now, loaded.config.timezone);
    const runs = Array.from({ length: 3 }, () => {
      collectGarbage();
      return timeSync(() => {
        const report = buildReport(deps, period, now);
        return { html: renderReport(report, 'html').length, json: renderReport(report, 'json').length };
      });
    });
    const seconds = median(runs.map((r) => r.ms)) / 1000;
    const goal = { kind: 'budget-max' as const, max: 3, unit: 's' };
    const { ratio, pass } = judge(goal, seconds);
    const last = runs[runs.length - 1]?.value;
    return {
      id: '4',
      name: `Weekly report, ${count.toLocaleString('en-US')} targets, html + json`,
      measured: { value: round(seconds, 3), unit: 's', how: `median of 3: buildReport for ${period.label} + html + json renders` },
      baseline: null,
      ratio,
      goal,
      pass,
      params: {
        targets: count,
        period: period.label,
        setupSeconds: round(setup.ms / 1000, 1),
        htmlBytes: last?.html,
        jsonBytes: last?.json,
      },
    };
  } finally {
    closeDatabase(db);
    folder.remove();
  }
}
