import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import type { Db } from '../../src/db/client.js';
import { recordPoll } from '../../src/db/ingest.js';
import type { NormalizedBackup } from '../../src/domain/backup.js';
import { evaluateTargets } from '../../src/engine/evaluate.js';
import { buildReport } from '../../src/report/build.js';
import { type IsoWeek, parseIsoWeek, rangePeriod, weekPeriod } from '../../src/report/period.js';
import type { ComplianceReport, TargetReport } from '../../src/report/types.js';
import { tempDatabase } from '../helpers/db.js';
import { completed } from '../helpers/stub-source.js';

// History is recorded hour by hour with an injected clock over ISO weeks 2026-W42 and 2026-W43 in
// Europe/Berlin. W43 (Mon 19 Oct 00:00 CEST = 18 Oct 22:00Z, to Mon 26 Oct 00:00 CET = 25 Oct 23:00Z)
// contains the end of summer time on Sunday 25 Oct, so it lasts 169 hours and its Sunday 25.
//   db-a: daily backup ending 02:00Z; Wed 21 Oct's fails and Thu 22 Oct's is missing.
//   db-b: daily at 02:00Z; first polled Mon 12 Oct 10:00Z; polls fail from Sat 24 Oct 10:00Z to Sun 25 Oct 09:00Z.
//   db-c: daily ending 22:30Z, which is 00:30 the next day in CEST but 23:30 the same day in CET.
//   db-d: added to the fleet on Wed 21 Oct 10:00Z, backups from that day.

const H = 3_600_000;
const Z = (text: string): number => Date.parse(`${text}Z`);
const W43: IsoWeek = { year: 2026, week: 43 };
const TZ = 'Europe/Berlin';

const config = `
database: ./unused.db
timezone: ${TZ}
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
  uc: { cloud: ucloud, publicKey: pk, privateKey: sk }
targets:
  - { id: db-a, account: ali, service: rds, instance: rm-a, labels: { team: payments } }
  - { id: db-b, account: ali, service: rds, instance: rm-b, labels: { team: crm } }
  - { id: db-c, account: uc, service: upgsql, instance: up-c, region: cn-zj, zone: cn-zj-01, labels: { team: payments } }
  - { id: db-d, account: ali, service: rds, instance: rm-d }
rules:
  retention: false
  size-anomaly: false
`;

const backup = (id: string, endedAt: number, status: 'completed' | 'failed' = 'completed'): NormalizedBackup =>
  completed(id, endedAt, status === 'failed' ? { status, rawStatus: 'Failed' } : {});

/** Daily backups ending at `hourZ` (UTC) from `firstDay` (day of October) to 26 Oct, with the exceptions given. */
function daily(prefix: string, firstDay: number, minuteOfDay: number, over: Record<number, 'failed' | 'missing'> = {}): NormalizedBackup[] {
  const out: NormalizedBackup[] = [];
  for (let day = firstDay; day <= 26; day++) {
    if (over[day] === 'missing') continue;
    out.push(backup(`${prefix}-${day}`, Date.UTC(2026, 9, day) + minuteOfDay * 60_000, over[day] === 'failed' ? 'failed' : 'completed'));
  }
  return out;
}

const listings: Record<string, NormalizedBackup[]> = {
  'db-a': daily('a', 8, 120, { 21: 'failed', 22: 'missing' }),
  'db-b': daily('b', 8, 120),
  'db-c': daily('c', 8, 22 * 60 + 30),
  'db-d': daily('d', 21, 120),
};

const START = Z('2026-10-11T22:00:00'); // W42 begins
const END = Z('2026-10-26T03:00:00'); // last evaluation, after W43 ended
const D_ADDED = Z('2026-10-21T10:00:00');
const B_FIRST_POLL = Z('2026-10-12T10:00:00');
const B_FAILING = [Z('2026-10-24T10:00:00'), Z('2026-10-25T09:00:00')] as const;

let db: Db;
let cleanup: () => void;
let deps: ReturnType<typeof createDeps>;
let report: ComplianceReport;
const target = (id: string): TargetReport => {
  const t = report.targets.find((x) => x.id === id);
  if (!t) throw new Error(`no target ${id}`);
  return t;
};

beforeAll(() => {
  ({ db, cleanup } = tempDatabase());
  const loaded = loadConfigText(config, '/tmp/report-data/backup-auditor.yaml', { env: {} });
  const clock = manualClock(START);
  deps = createDeps({ db, loaded, clock });
  for (let t = START; t <= END; t += H) {
    clock.set(t);
    const active = ['db-a', 'db-b', 'db-c', 'db-d'].filter((id) => id !== 'db-d' || t >= D_ADDED);
    for (const id of active) {
      if (id === 'db-b' && t < B_FIRST_POLL) continue;
      const failing = id === 'db-b' && t >= B_FAILING[0] && t <= B_FAILING[1];
      recordPoll(db, {
        targetId: id,
        startedAt: t - 1000,
        finishedAt: t,
        outcome: failing
          ? { ok: false, pages: 0, error: { kind: 'network', message: 'connect ECONNREFUSED' } }
          : { ok: true, pages: 1, backups: (listings[id] ?? []).filter((b) => (b.endedAt ?? 0) <= t) },
      });
    }
    evaluateTargets(deps, { targetIds: active });
  }
  // The report is computed long after the fact: numbers depend on the period, not on this instant.
  report = buildReport(deps, weekPeriod(W43, TZ), Z('2026-11-23T19:00:00'));
});
afterAll(() => cleanup());

describe('report period across the end of summer time', () => {
  it('covers Monday 00:00 CEST to Monday 00:00 CET: 169 hours, with a 25-hour Sunday', () => {
    expect(report.period).toEqual({
      label: '2026-W43',
      kind: 'week',
      start: '2026-10-18T22:00:00Z',
      end: '2026-10-25T23:00:00Z',
      lengthMs: 169 * H,
    });
    expect(report.previousPeriod).toMatchObject({
      label: '2026-W42',
      start: '2026-10-11T22:00:00Z',
      end: '2026-10-18T22:00:00Z',
      lengthMs: 168 * H,
    });
    expect(target('db-a').daily[6]).toMatchObject({ date: '2026-10-25', start: '2026-10-24T22:00:00Z', end: '2026-10-25T23:00:00Z' });
  });

  it('parses the same week from its ISO name', () => {
    expect(parseIsoWeek('2026-W43')).toEqual(W43);
  });
});

describe('per-target numbers', () => {
  it('counts the time any rule alarmed as not compliant: db-a alarmed 48 of 169 hours', () => {
    const a = target('db-a');
    expect(a.time).toEqual({ compliantMs: 121 * H, alarmMs: 48 * H, unknownMs: 0 });
    expect(a.compliance).toBe(Math.round((121 / 169) * 1e6) / 1e6);
    expect(a.daily.map((d) => d.compliance)).toEqual([1, 1, 0.166667, 0, 0.833333, 1, 1]);
  });

  it('counts local days with a completed backup, and completed and failed backups by end time', () => {
    const a = target('db-a');
    expect(a.daysWithBackup).toBe(5);
    expect(a.days).toBe(7);
    expect(a.backups).toEqual({ completed: 5, failed: 1 });
    expect(a.daily.map((d) => d.status)).toEqual(['completed', 'completed', 'failed', 'none', 'completed', 'completed', 'completed']);
  });

  it('attributes backups to local days: 22:30Z is the next day in CEST and the same day in CET', () => {
    const c = target('db-c');
    expect(c.backups).toEqual({ completed: 8, failed: 0 });
    expect(c.daysWithBackup).toBe(7);
    expect(c.daily.map((d) => d.completed)).toEqual([1, 1, 1, 1, 1, 1, 2]);
    expect(c.compliance).toBe(1);
  });

  it('finds the longest gap between completed backups', () => {
    expect(target('db-a').longestGap).toEqual({
      ms: 72 * H,
      from: '2026-10-20T02:00:00Z',
      to: '2026-10-23T02:00:00Z',
      fromPeriodStart: false,
    });
  });

  it('measures the gap into the period from the last backup before it', () => {
    expect(target('db-c').longestGap).toEqual({
      ms: 24 * H,
      from: '2026-10-17T22:30:00Z',
      to: '2026-10-18T22:30:00Z',
      fromPeriodStart: false,
    });
  });

  it('measures from the period start when no earlier backup is on record', () => {
    expect(target('db-d').longestGap).toEqual({
      ms: 52 * H,
      from: '2026-10-18T22:00:00Z',
      to: '2026-10-21T02:00:00Z',
      fromPeriodStart: true,
    });
  });

  it('measures the achieved RPO of a daily target: every gap 24 hours, within its 24-hour objective', () => {
    expect(target('db-c').rpo).toEqual({ longestMs: 24 * H, p95Ms: 24 * H, openMs: 0.5 * H, objectiveMs: 24 * H, met: true, backups: 8 });
  });

  it('misses the RPO objective when one gap is longer: db-a went 72 hours without a completed backup', () => {
    expect(target('db-a').rpo).toEqual({ longestMs: 72 * H, p95Ms: 72 * H, openMs: 21 * H, objectiveMs: 24 * H, met: false, backups: 5 });
  });

  it('counts no RPO gap before the first completed backup on record', () => {
    // longestGap counts 52 hours from the period start; nothing says db-d existed then.
    expect(target('db-d').rpo).toEqual({ longestMs: 24 * H, p95Ms: 24 * H, openMs: 21 * H, objectiveMs: 24 * H, met: true, backups: 5 });
  });

  it('reports the time to resolve each alarm closed in the period', () => {
    expect(target('db-a').resolvedAlarms).toEqual([
      {
        rule: 'failed-backup',
        severity: 'warning',
        openedAt: '2026-10-21T02:00:00Z',
        closedAt: '2026-10-22T03:00:00Z',
        durationMs: 25 * H,
        to: 'ok',
      },
      {
        rule: 'recent-success',
        severity: 'critical',
        openedAt: '2026-10-21T03:00:00Z',
        closedAt: '2026-10-23T02:00:00Z',
        durationMs: 47 * H,
        to: 'ok',
      },
    ]);
    expect(target('db-a').openedAlarms).toBe(2);
    expect(target('db-a').currentAlarms).toEqual([]);
  });

  it('compares with the previous week: db-a fell from 100% to 121/169', () => {
    const a = target('db-a');
    expect(a.previousCompliance).toBe(1);
    expect(a.complianceChange).toBe(Math.round((121 / 169 - 1) * 1e6) / 1e6);
  });

  it('counts time before the first successful poll as unknown in the previous period, never as non-compliant', () => {
    const b = target('db-b');
    // W42: 12 hours before the first poll unknown, the other 156 compliant.
    expect(b.previousCompliance).toBe(1);
    expect(b.time).toEqual({ compliantMs: 147 * H, alarmMs: 22 * H, unknownMs: 0 });
  });

  it('reports a target that was blind while its polls failed, and for how long', () => {
    expect(target('db-b').blindMs).toBe(22 * H);
    expect(report.fleet.blindTargets).toContainEqual({ target: 'db-b', blindMs: 22 * H, longestMs: 22 * H, atEnd: false });
  });

  it('counts a backup that ended during the outage, listed only after it, on its own day', () => {
    expect(target('db-b').daysWithBackup).toBe(7);
    expect(target('db-b').resolvedAlarms.map((r) => [r.rule, r.durationMs])).toEqual([
      ['poll-failing', 22 * H],
      ['recent-success', 7 * H],
    ]);
  });

  it('treats a target added mid-week as unknown and not yet watched before its first evaluation, never blind', () => {
    const d = target('db-d');
    expect(d.time).toEqual({ compliantMs: 109 * H, alarmMs: 0, unknownMs: 60 * H });
    // Compliant whenever it was judged, and judged for 109 of 169 hours: never 64.5% compliant.
    expect(d.compliance).toBe(1);
    expect(d.evidenceCoverage).toBe(Math.round((109 / 169) * 1e6) / 1e6);
    expect(d.unwatchedMs).toBe(60 * H);
    expect(d.blindMs).toBe(0);
    expect(report.fleet.blindTargets.map((b) => b.target)).not.toContain('db-d');
    expect(d.previousCompliance).toBeNull();
    expect(d.complianceChange).toBeNull();
    expect(d.daysWithBackup).toBe(5);
  });
});

describe('fleet summary', () => {
  it('takes fleet compliance over the judged target-time, beside how much of it was judged', () => {
    const f = report.fleet;
    expect(f.targets).toBe(4);
    expect(f.compliance).toBe(Math.round(((121 + 147 + 169 + 109) / (169 + 169 + 169 + 109)) * 1e6) / 1e6);
    expect(f.evidenceCoverage).toBe(Math.round((616 / 676) * 1e6) / 1e6);
    // W42: db-a, db-b and db-c compliant whenever judged; db-d not there yet.
    expect(f.previousCompliance).toBe(1);
    expect(f.complianceChange).toBe(Math.round(((f.compliance ?? 0) - (f.previousCompliance ?? 0)) * 1e6) / 1e6);
    expect(f.unknownShare).toBe(Math.round((60 / 676) * 1e6) / 1e6);
  });

  it('lists targets and worst offenders worst first', () => {
    // db-d is compliant whenever judged; of two equals, the one with more unknown time comes first.
    expect(report.targets.map((t) => t.id)).toEqual(['db-a', 'db-b', 'db-d', 'db-c']);
    expect(report.fleet.worstOffenders).toEqual(['db-a', 'db-b']);
  });

  it('groups by cloud, account and label, worst first, with unlabelled targets as null', () => {
    const g = report.fleet.groups;
    expect(g.cloud.map((x) => [x.value, x.targets])).toEqual([
      ['aliyun', 3],
      ['ucloud', 1],
    ]);
    expect(g.account.map((x) => x.value)).toEqual(['ali', 'uc']);
    expect(g.labels.team?.map((x) => [x.value, x.targets, x.compliance])).toEqual([
      ['payments', 2, Math.round(((121 + 169) / (169 + 169)) * 1e6) / 1e6],
      ['crm', 1, Math.round((147 / 169) * 1e6) / 1e6],
      [null, 1, 1],
    ]);
  });

  it('lists the alarms opened and closed in the period, and the median time to resolve', () => {
    const opened = report.fleet.alarmsOpened.map((a) => `${a.target}/${a.rule}@${a.openedAt}`);
    expect(opened).toEqual([
      'db-a/failed-backup@2026-10-21T02:00:00Z',
      'db-a/recent-success@2026-10-21T03:00:00Z',
      'db-b/poll-failing@2026-10-24T12:00:00Z',
      'db-b/recent-success@2026-10-25T03:00:00Z',
    ]);
    expect(report.fleet.alarmsClosed).toHaveLength(4);
    expect(report.fleet.medianTimeToResolveMs).toBe(23.5 * H);
  });

  it('lists the worst achieved RPOs relative to their objective, then by the longest gap and id', () => {
    expect(report.fleet.worstRpo.map((r) => [r.target, r.longestMs / H, r.met])).toEqual([
      ['db-a', 72, false],
      ['db-b', 24, true],
      ['db-c', 24, true],
      ['db-d', 24, true],
    ]);
  });

  it('gives the fleet compliance per local day for the trend chart', () => {
    const days = report.fleet.daily;
    expect(days.map((d) => d.date)).toEqual([
      '2026-10-19',
      '2026-10-20',
      '2026-10-21',
      '2026-10-22',
      '2026-10-23',
      '2026-10-24',
      '2026-10-25',
    ]);
    // Wednesday: db-a 4h compliant of 24 judged, db-d judged from 10:00Z (12:00 local) = 12h, db-b and db-c all day.
    expect(days[2]?.compliance).toBe(Math.round(((4 + 12 + 24 + 24) / 84) * 1e6) / 1e6);
    expect(days[2]?.evidenceCoverage).toBe(Math.round((84 / 96) * 1e6) / 1e6);
    expect(days[6]).toMatchObject({ completed: 5, failed: 0, targetsWithBackup: 4 });
  });
});

describe('stored history only', () => {
  it('counts time after the last evaluation (plus poll-failing tolerance) as unknown', () => {
    // Evaluation stopped at 03:00Z; poll-failing's maxStaleness (2h) later, nothing is known.
    const r = buildReport(deps, rangePeriod(Z('2026-10-26T00:00:00'), Z('2026-10-26T10:00:00'), TZ), END);
    const c = r.targets.find((t) => t.id === 'db-c');
    expect(c?.time).toEqual({ compliantMs: 5 * H, alarmMs: 0, unknownMs: 5 * H });
    expect(c?.blindMs).toBe(5 * H);
  });

  it('gives the same numbers whenever it is computed', () => {
    const again = buildReport(deps, weekPeriod(W43, TZ), Z('2027-01-01T00:00:00'));
    expect({ ...again, generatedAt: '' }).toEqual({ ...report, generatedAt: '' });
  });
});
