import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import type { Db } from '../../src/db/client.js';
import { recordPoll } from '../../src/db/ingest.js';
import { addSilence, expireSilence, type SilenceMatchers } from '../../src/db/silences.js';
import type { NormalizedBackup } from '../../src/domain/backup.js';
import { evaluateTargets } from '../../src/engine/evaluate.js';
import { buildReport } from '../../src/report/build.js';
import { renderReport } from '../../src/report/formats.js';
import { weekPeriod } from '../../src/report/period.js';
import type { ComplianceReport, TargetReport } from '../../src/report/types.js';
import { tempDatabase } from '../helpers/db.js';
import { completed } from '../helpers/stub-source.js';

// Two weeks of hourly history (2026-W46 and W47, UTC; W47 is Mon 16 Nov to Mon 23 Nov 00:00Z), with
// the exceptions an auditor asks about:
//   orders (team payments): a completed backup every day at 02:00Z; stuck-running disabled for it alone.
//   crm (team crm): daily at 02:00Z until Tue 17 Nov, then none completed; Thu 19 Nov's failed.
//   ledger (team payments): daily at 02:00Z; Thu 19 Nov's failed.
//   Silences: alice's on crm from Tue 17 Nov 12:00Z; bob's on failed-backup of team payments from
//   Wed 18 Nov, expired early on Fri 20 Nov 12:00Z; dave's on orders from before the week into it;
//   carol's last week only; erin's added after the week with a window inside it.
//   Account dr discovers, excluding rm-legacy-* (no reason) and rm-scratch (with one).

const H = 3_600_000;
const DAY = 24 * H;
const Z = (text: string): number => Date.parse(`${text}Z`);
const WEEK = weekPeriod({ year: 2026, week: 47 }, 'UTC');

const config = `
database: ./unused.db
timezone: UTC
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
  dr:
    cloud: aliyun
    regionId: cn-shanghai
    accessKeyId: ak
    accessKeySecret: sk
    discover:
      autoTargets: false
      exclude: [rm-legacy-*, { match: rm-scratch, reason: "scratch copy, rebuilt from orders every night" }]
targets:
  - { id: orders, account: ali, service: rds, instance: rm-1, labels: { team: payments }, rules: { stuck-running: false } }
  - { id: crm, account: ali, service: rds, instance: rm-2, labels: { team: crm } }
  - { id: ledger, account: ali, service: rds, instance: rm-3, labels: { team: payments } }
rules:
  retention: false
  size-anomaly: false
profiles:
  - match: { team: crm }
    rules: { recent-success: { maxAge: 24h } }
`;

/** Daily backups at 02:00Z from 2 Nov to 23 Nov, some failed, some missing. */
function daily(prefix: string, over: (day: number) => 'failed' | 'missing' | null = () => null): NormalizedBackup[] {
  const out: NormalizedBackup[] = [];
  for (let day = 2; day <= 23; day++) {
    const what = over(day);
    if (what === 'missing') continue;
    const endedAt = Date.UTC(2026, 10, day, 2);
    out.push(completed(`${prefix}-${day}`, endedAt, what === 'failed' ? { status: 'failed', rawStatus: 'Failed' } : {}));
  }
  return out;
}

const listings: Record<string, NormalizedBackup[]> = {
  orders: daily('o'),
  crm: daily('c', (day) => (day === 19 ? 'failed' : day > 17 ? 'missing' : null)),
  ledger: daily('l', (day) => (day === 19 ? 'failed' : null)),
};

const START = Z('2026-11-09T00:00:00');
const END = Z('2026-11-23T03:00:00');
const silence = (at: number, matchers: SilenceMatchers, until: number, author: string, reason: string) => (db: Db) =>
  addSilence(db, { matchers, startsAt: at, endsAt: until, reason, author, now: at });
/** Silences added as the clock passes their start. */
const SCHEDULED = new Map([
  [Z('2026-11-09T00:00:00'), silence(Z('2026-11-10T00:00:00'), { target: 'orders' }, Z('2026-11-12T00:00:00'), 'carol', 'last week')],
  [Z('2026-11-14T00:00:00'), silence(Z('2026-11-14T00:00:00'), { target: 'orders' }, Z('2026-11-16T06:00:00'), 'dave', 'agent upgrade')],
  [
    Z('2026-11-17T12:00:00'),
    silence(Z('2026-11-17T12:00:00'), { target: 'crm' }, Z('2026-11-21T00:00:00'), 'alice', 'crm moves to the new vault (CHG-1234)'),
  ],
  [
    Z('2026-11-18T00:00:00'),
    silence(
      Z('2026-11-18T00:00:00'),
      { rule: 'failed-backup', labels: { team: 'payments' } },
      Z('2026-11-25T00:00:00'),
      'bob',
      'vendor maintenance on the payments backup agent',
    ),
  ],
]);
const BOB_EXPIRES = Z('2026-11-20T12:00:00');

let db: Db;
let cleanup: () => void;
let report: ComplianceReport;
const target = (id: string): TargetReport => {
  const t = report.targets.find((x) => x.id === id);
  if (!t) throw new Error(`no target ${id}`);
  return t;
};

beforeAll(() => {
  ({ db, cleanup } = tempDatabase());
  const loaded = loadConfigText(config, '/tmp/report-exceptions/backup-auditor.yaml', { env: {} });
  const clock = manualClock(START);
  const deps = createDeps({ db, loaded, clock });
  let bob: number | undefined;
  for (let t = START; t <= END; t += H) {
    clock.set(t);
    const added = SCHEDULED.get(t)?.(db);
    if (added?.author === 'bob') bob = added.id;
    if (t === BOB_EXPIRES && bob !== undefined) expireSilence(db, bob, t);
    for (const id of Object.keys(listings)) {
      const backups = (listings[id] ?? []).filter((b) => (b.endedAt ?? 0) <= t);
      recordPoll(db, { targetId: id, startedAt: t - 1000, finishedAt: t, outcome: { ok: true, pages: 1, backups } });
    }
    evaluateTargets(deps);
  }
  // Added after the week, with a window inside it: it held nothing back then.
  const late = Z('2026-11-24T09:00:00');
  addSilence(db, {
    matchers: { target: 'ledger' },
    startsAt: Z('2026-11-19T00:00:00'),
    endsAt: Z('2026-11-20T00:00:00'),
    reason: 'backdated',
    author: 'erin',
    now: late,
  });
  report = buildReport(deps, WEEK, late);
});
afterAll(() => cleanup());

describe('achieved RPO', () => {
  it('leaves a gap open at the period end: crm stopped backing up 5 days 22 hours before it, against 24 hours', () => {
    const rpo = target('crm').rpo;
    expect(rpo.openMs).toBeGreaterThanOrEqual(5 * DAY);
    expect(rpo).toEqual({ longestMs: 142 * H, p95Ms: 142 * H, openMs: 142 * H, objectiveMs: 24 * H, met: false, backups: 2 });
  });

  it('meets a 24-hour objective with a completed backup every day: longest and 95th percentile 24 hours', () => {
    expect(target('orders').rpo).toEqual({ longestMs: 24 * H, p95Ms: 24 * H, openMs: 22 * H, objectiveMs: 24 * H, met: true, backups: 7 });
  });

  it('puts the target furthest past its objective first among the worst RPOs', () => {
    expect(report.fleet.worstRpo.map((r) => r.target)).toEqual(['crm', 'ledger', 'orders']);
    expect(report.fleet.worstRpo[0]).toEqual({
      target: 'crm',
      longestMs: 142 * H,
      p95Ms: 142 * H,
      openMs: 142 * H,
      objectiveMs: 24 * H,
      met: false,
    });
  });
});

describe('exceptions: silences', () => {
  const silences = () => report.exceptions.silences;
  const by = (author: string) => silences().find((s) => s.author === author);

  it('lists a silence added during the week with who, why, its window, what it matched and the changes it held back', () => {
    expect(by('alice')).toEqual({
      id: expect.any(Number),
      author: 'alice',
      reason: 'crm moves to the new vault (CHG-1234)',
      from: '2026-11-17T12:00:00Z',
      until: '2026-11-21T00:00:00Z',
      expired: false,
      createdAt: '2026-11-17T12:00:00Z',
      matchers: { target: 'crm', rule: null, labels: {} },
      // recent-success into alarm (18 Nov 03:00Z), failed-backup into alarm (19 Nov 02:00Z) and back to ok (20 Nov 03:00Z).
      heldBack: 3,
    });
  });

  it('ends a silence expired early at its expiry, counting only the matching rule of targets with the matching labels', () => {
    // ledger's failed-backup alarm and its resolution; crm's failed-backup is not team payments, and
    // ledger's recent-success alarm is another rule.
    expect(by('bob')).toMatchObject({
      from: '2026-11-18T00:00:00Z',
      until: '2026-11-20T12:00:00Z',
      expired: true,
      matchers: { target: null, rule: 'failed-backup', labels: { team: 'payments' } },
      heldBack: 2,
    });
  });

  it('lists a silence that began before the week and ended in it, having held nothing back', () => {
    expect(by('dave')).toMatchObject({ from: '2026-11-14T00:00:00Z', until: '2026-11-16T06:00:00Z', heldBack: 0 });
  });

  it('leaves out a silence entirely outside the week, and one added after it with a window inside it', () => {
    expect(silences().map((s) => s.author)).toEqual(['dave', 'alice', 'bob']);
  });
});

describe('exceptions: exclusions and disabled rules', () => {
  it('lists every coverage exclusion with its reason, null for a bare id or glob', () => {
    expect(report.exceptions.exclusions).toEqual([
      { account: 'dr', match: 'rm-legacy-*', reason: null },
      { account: 'dr', match: 'rm-scratch', reason: 'scratch copy, rebuilt from orders every night' },
    ]);
  });

  it('lists every rule disabled for a target, with the config path that disabled it', () => {
    expect(report.exceptions.disabledRules).toContainEqual({
      target: 'orders',
      rule: 'stuck-running',
      where: 'targets[0].rules.stuck-running',
    });
    expect(report.exceptions.disabledRules.filter((d) => d.target === 'crm')).toEqual([
      { target: 'crm', rule: 'retention', where: 'rules.retention' },
      { target: 'crm', rule: 'size-anomaly', where: 'rules.size-anomaly' },
    ]);
    expect(report.exceptions.disabledRules).toHaveLength(7);
  });

  it('has no objective, and so no verdict, for a target whose recent-success is disabled', () => {
    const loaded = loadConfigText(`${config}  - match: { team: payments }\n    rules: { recent-success: false }\n`, '/tmp/x.yaml', {
      env: {},
    });
    const r = buildReport(createDeps({ db, loaded, clock: manualClock(END) }), WEEK, END);
    const rpo = r.targets.find((t) => t.id === 'orders')?.rpo;
    expect(rpo).toMatchObject({ longestMs: 24 * H, objectiveMs: null, met: null });
    expect(r.exceptions.disabledRules).toContainEqual({
      target: 'orders',
      rule: 'recent-success',
      where: 'profiles[1].rules.recent-success',
    });
  });
});

describe('exceptions as people read them', () => {
  it('shows the silences, exclusions and disabled rules of the week in the Markdown report', () => {
    const md = renderReport(report, 'md');
    expect(md).toContain('| #3 | target crm | 2026-11-17 12:00 | 2026-11-21 00:00 | alice | crm moves to the new vault (CHG-1234) | 3 |');
    expect(md).toContain('| dr | rm-scratch | scratch copy, rebuilt from orders every night |');
    expect(md).toContain('| stuck-running | targets\\[0\\].rules.stuck-running | 1: orders |');
    expect(md).toContain('| retention | rules.retention | 3: orders, crm, ledger |');
  });
});
