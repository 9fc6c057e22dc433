import { compareText } from '../core/text.js';
import { change, judgedShare, median, share } from './numbers.js';
import type { LocalDay } from './period.js';
import { worstRpo } from './rpo.js';
import type { Judged, TargetResult } from './target.js';
import type { TargetReport } from './types.js';
import type { FleetAlarm, FleetSummary, GroupSummary } from './types-fleet.js';

/** How many worst offenders the summary names. */
export const WORST_OFFENDERS = 10;

/** Nothing judged sorts before any compliance: a target nobody could judge is the first to look at. */
const rank = (compliance: number | null): number => compliance ?? -1;

/** Worst first: no evidence, then lowest compliance, then most alarms at the period end, then most unknown time, then id. */
export function worstFirst(a: TargetReport, b: TargetReport): number {
  return (
    rank(a.compliance) - rank(b.compliance) ||
    b.currentAlarms.length - a.currentAlarms.length ||
    b.time.unknownMs - a.time.unknownMs ||
    compareText(a.id, b.id)
  );
}

const sum = (values: readonly Judged[]): Judged =>
  values.reduce((s, v) => ({ okMs: s.okMs + v.okMs, judgedMs: s.judgedMs + v.judgedMs }), { okMs: 0, judgedMs: 0 });

/** Compliance over the judged time of every member, now and before, the change, and how much was judged. */
function complianceOf(
  members: readonly TargetResult[],
): Pick<GroupSummary, 'compliance' | 'evidenceCoverage' | 'previousCompliance' | 'complianceChange'> {
  const now = sum(members.map((m) => m.judged));
  const known = members.flatMap((m) => (m.previous === null ? [] : [m.previous]));
  const before = sum(known);
  const compliance = judgedShare(now.okMs, now.judgedMs);
  const previousCompliance = known.length === 0 ? null : judgedShare(before.okMs, before.judgedMs);
  const lengthMs = members.reduce((s, m) => s + m.report.time.compliantMs + m.report.time.alarmMs + m.report.time.unknownMs, 0);
  return {
    compliance,
    evidenceCoverage: share(now.judgedMs, lengthMs),
    previousCompliance,
    complianceChange: change(compliance, previousCompliance),
  };
}

function group(value: string | null, results: readonly TargetResult[]): GroupSummary {
  const members = results.map((r) => r.report);
  return {
    value,
    targets: members.length,
    ...complianceOf(results),
    targetsInAlarm: members.filter((t) => t.currentAlarms.length > 0).length,
    backups: {
      completed: members.reduce((s, t) => s + t.backups.completed, 0),
      failed: members.reduce((s, t) => s + t.backups.failed, 0),
    },
  };
}

/** Groups targets by `key(t)`, worst group first (lowest compliance, then most in alarm, then name; "no value" last among equals). */
function groupsBy(results: readonly TargetResult[], key: (t: TargetReport) => string | null): GroupSummary[] {
  const byValue = new Map<string | null, TargetResult[]>();
  for (const r of results) {
    const k = key(r.report);
    const list = byValue.get(k);
    if (list) list.push(r);
    else byValue.set(k, [r]);
  }
  return [...byValue]
    .map(([value, members]) => group(value, members))
    .sort(
      (a, b) =>
        rank(a.compliance) - rank(b.compliance) ||
        b.targetsInAlarm - a.targetsInAlarm ||
        (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) ||
        compareText(a.value ?? '', b.value ?? ''),
    );
}

/** The fleet summary from every target's result; `results` may be in any order. */
export function summarizeFleet(
  results: readonly TargetResult[],
  days: readonly LocalDay[],
): { fleet: FleetSummary; targets: TargetReport[] } {
  const targets = results.map((r) => r.report).sort(worstFirst);
  const labelKeys = [...new Set(targets.flatMap((t) => Object.keys(t.labels)))].sort(compareText);
  const labels: Record<string, GroupSummary[]> = {};
  for (const k of labelKeys) labels[k] = groupsBy(results, (t) => (Object.hasOwn(t.labels, k) ? (t.labels[k] ?? null) : null));

  const alarms = results.flatMap((r) => r.alarms);
  const byTime = (pick: (a: FleetAlarm) => string | null) => (a: FleetAlarm, b: FleetAlarm) =>
    compareText(pick(a) ?? '', pick(b) ?? '') || compareText(a.target, b.target) || compareText(a.rule, b.rule);
  const alarmsOpened = alarms
    .filter((a) => a.opened)
    .map((a) => a.alarm)
    .sort(byTime((a) => a.openedAt));
  const alarmsClosed = alarms
    .filter((a) => a.closed)
    .map((a) => a.alarm)
    .sort(byTime((a) => a.closedAt));
  const resolvedToOk = targets.flatMap((t) => t.resolvedAlarms.filter((a) => a.to === 'ok').map((a) => a.durationMs));

  const totalMs = targets.reduce((s, t) => s + t.time.compliantMs + t.time.alarmMs + t.time.unknownMs, 0);
  const fleet: FleetSummary = {
    targets: targets.length,
    ...complianceOf(results),
    reconstructedShare: share(
      results.reduce((s, r) => s + r.reconstructedMs, 0),
      totalMs,
    ),
    unknownShare: share(
      targets.reduce((s, t) => s + t.time.unknownMs, 0),
      totalMs,
    ),
    targetsInAlarm: targets.filter((t) => t.currentAlarms.length > 0).length,
    backups: {
      completed: targets.reduce((s, t) => s + t.backups.completed, 0),
      failed: targets.reduce((s, t) => s + t.backups.failed, 0),
    },
    worstOffenders: targets
      .filter((t) => t.compliance === null || t.compliance < 1 || t.currentAlarms.length > 0)
      .slice(0, WORST_OFFENDERS)
      .map((t) => t.id),
    worstRpo: worstRpo(targets),
    groups: {
      cloud: groupsBy(results, (t) => t.cloud),
      account: groupsBy(results, (t) => t.account),
      labels,
    },
    alarmsOpened,
    alarmsClosed,
    medianTimeToResolveMs: median(resolvedToOk),
    blindTargets: results
      .flatMap((r) => (r.blind ? [r.blind] : []))
      .sort((a, b) => b.blindMs - a.blindMs || compareText(a.target, b.target)),
    daily: days.map((d, i) => {
      const day = sum(results.map((r) => r.daily[i] ?? { okMs: 0, judgedMs: 0 }));
      const rebuiltMs = results.reduce((s, r) => s + (r.daily[i]?.reconstructedMs ?? 0), 0);
      return {
        date: d.date,
        compliance: judgedShare(day.okMs, day.judgedMs),
        evidenceCoverage: share(day.judgedMs, (d.end - d.start) * results.length),
        reconstructed: share(rebuiltMs, day.judgedMs),
        completed: targets.reduce((s, t) => s + (t.daily[i]?.completed ?? 0), 0),
        failed: targets.reduce((s, t) => s + (t.daily[i]?.failed ?? 0), 0),
        targetsWithBackup: targets.filter((t) => (t.daily[i]?.completed ?? 0) > 0).length,
      };
    }),
  };
  return { fleet, targets };
}
