import { compareText } from '../core/text.js';
import { change, median, round6, share } from './numbers.js';
import type { LocalDay } from './period.js';
import type { TargetResult } from './target.js';
import type { FleetAlarm, FleetSummary, GroupSummary, TargetReport } from './types.js';

/** How many worst offenders the summary names. */
export const WORST_OFFENDERS = 10;

/** Worst first: lowest compliance, then most alarms at the period end, then most unknown time, then id. */
export function worstFirst(a: TargetReport, b: TargetReport): number {
  return (
    a.compliance - b.compliance ||
    b.currentAlarms.length - a.currentAlarms.length ||
    b.time.unknownMs - a.time.unknownMs ||
    compareText(a.id, b.id)
  );
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length);

/** Mean compliance now and before (over the targets known before), and the change. */
function complianceOf(targets: readonly TargetReport[]): Pick<GroupSummary, 'compliance' | 'previousCompliance' | 'complianceChange'> {
  const compliance = round6(mean(targets.map((t) => t.compliance)));
  const known = targets.flatMap((t) => (t.previousCompliance === null ? [] : [t.previousCompliance]));
  const previousCompliance = known.length === 0 ? null : round6(mean(known));
  return { compliance, previousCompliance, complianceChange: change(compliance, previousCompliance) };
}

function group(value: string | null, members: readonly TargetReport[]): GroupSummary {
  return {
    value,
    targets: members.length,
    ...complianceOf(members),
    targetsInAlarm: members.filter((t) => t.currentAlarms.length > 0).length,
    backups: {
      completed: members.reduce((s, t) => s + t.backups.completed, 0),
      failed: members.reduce((s, t) => s + t.backups.failed, 0),
    },
  };
}

/** Groups targets by `key(t)`, worst group first (lowest compliance, then most in alarm, then name; "no value" last among equals). */
function groupsBy(targets: readonly TargetReport[], key: (t: TargetReport) => string | null): GroupSummary[] {
  const byValue = new Map<string | null, TargetReport[]>();
  for (const t of targets) {
    const k = key(t);
    const list = byValue.get(k);
    if (list) list.push(t);
    else byValue.set(k, [t]);
  }
  return [...byValue]
    .map(([value, members]) => group(value, members))
    .sort(
      (a, b) =>
        a.compliance - b.compliance ||
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
  for (const k of labelKeys) labels[k] = groupsBy(targets, (t) => (Object.hasOwn(t.labels, k) ? (t.labels[k] ?? null) : null));

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
    ...complianceOf(targets),
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
      .filter((t) => t.compliance < 1 || t.currentAlarms.length > 0)
      .slice(0, WORST_OFFENDERS)
      .map((t) => t.id),
    groups: {
      cloud: groupsBy(targets, (t) => t.cloud),
      account: groupsBy(targets, (t) => t.account),
      labels,
    },
    alarmsOpened,
    alarmsClosed,
    medianTimeToResolveMs: median(resolvedToOk),
    blindTargets: results
      .flatMap((r) => (r.blind ? [r.blind] : []))
      .sort((a, b) => b.blindMs - a.blindMs || compareText(a.target, b.target)),
    daily: days.map((d, i) => {
      const dayMs = d.end - d.start;
      return {
        date: d.date,
        compliance: share(mean(results.map((r) => r.dailyOkMs[i] ?? 0)), dayMs),
        completed: targets.reduce((s, t) => s + (t.daily[i]?.completed ?? 0), 0),
        failed: targets.reduce((s, t) => s + (t.daily[i]?.failed ?? 0), 0),
        targetsWithBackup: targets.filter((t) => (t.daily[i]?.completed ?? 0) > 0).length,
      };
    }),
  };
  return { fleet, targets };
}
