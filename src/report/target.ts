import type { ResolvedRule } from '../config/rule-settings.js';
import type { TargetConfig } from '../config/schema.js';
import { iso } from '../core/clock.js';
import { compareText } from '../core/text.js';
import type { Db } from '../db/client.js';
import { backupsIn, lastCompletedBefore, lastEvaluated, ruleChanges } from '../db/report-reads.js';
import { backupStats } from './backup-stats.js';
import { drillSummary } from './drill.js';
import { change, judgedShare, share } from './numbers.js';
import type { LocalDay, Period } from './period.js';
import { withReconstruction } from './reconstructed.js';
import { achievedRpo, objectiveOf } from './rpo.js';
import { episodes, measure, type RuleState, type RuleTimeline, sweep } from './timeline.js';
import type { CurrentAlarm, ResolvedAlarm, TargetReport } from './types.js';
import type { BlindTarget, FleetAlarm } from './types-fleet.js';

/** The rule whose state says whether the auditor can see a target at all. */
const POLL_FAILING = 'poll-failing';
/** poll-failing's default `maxStaleness`, for a target whose resolved parameters say nothing. */
const DEFAULT_STALENESS_MS = 2 * 3_600_000;

/** One target and how its rules resolve today. */
export interface TargetInput {
  readonly target: TargetConfig;
  readonly cloud: string;
  readonly rules: readonly ResolvedRule[];
}

/** A target's report plus what the fleet summary gathers from it. */
export interface TargetResult {
  readonly report: TargetReport;
  /** Alarms opened or closed within the period, and which of the two. */
  readonly alarms: readonly { readonly alarm: FleetAlarm; readonly opened: boolean; readonly closed: boolean }[];
  readonly blind: BlindTarget | null;
  /** Compliant and judged ms, exact, for the fleet's sums: in the period, per day, and in the previous period. */
  readonly judged: Judged;
  readonly daily: readonly DayJudged[];
  /** Null when nothing at all was recorded for the target before the previous period's end. */
  readonly previous: Judged | null;
  /** Judged ms of the period that came from reconstruction, for the fleet's share. */
  readonly reconstructedMs: number;
}

/** Compliant ms and judged (compliant or in alarm) ms of a stretch. */
export interface Judged {
  readonly okMs: number;
  readonly judgedMs: number;
}

/** A day's judged ms, and how much of that judged time came from reconstruction. */
export interface DayJudged extends Judged {
  readonly reconstructedMs: number;
}

const judgedOf = (m: { ok: number; alarm: number }): Judged => ({ okMs: m.ok, judgedMs: m.ok + m.alarm });

/** How much of `[a, b)` lies within `[c, d)`. */
const overlap = (a: number, b: number, c: number, d: number): number => Math.max(0, Math.min(b, d) - Math.max(a, c));

/** When the target was first evaluated (its first recorded change of any rule), or null if never. */
function firstEvaluation(changes: readonly (readonly { readonly at: number }[])[]): number | null {
  const firsts = changes.flatMap((c) => (c[0] ? [c[0].at] : []));
  return firsts.length === 0 ? null : Math.min(...firsts);
}

function stalenessOf(rules: readonly ResolvedRule[]): number {
  const params = rules.find((r) => r.rule.id === POLL_FAILING)?.params as { maxStaleness?: unknown } | undefined;
  return typeof params?.maxStaleness === 'number' ? params.maxStaleness : DEFAULT_STALENESS_MS;
}

/**
 * Computes one target's numbers for `period` (and `previous`, for the change) from its finding
 * history and backups. Rules are "tracked" when enabled today or when anything was recorded for them;
 * a rule disabled today with no history is left out rather than counted as missing data.
 */
export function computeTarget(db: Db, input: TargetInput, period: Period, previous: Period, days: readonly LocalDay[]): TargetResult {
  const { target } = input;
  const from = previous.start;
  const changes = ruleChanges(db, target.id, from, period.end);
  const tracked = input.rules
    .map((r) => ({ rule: r, changes: changes.get(r.rule.id) ?? [] }))
    .filter((t) => t.rule.enabled || t.changes.length > 0);

  // Evaluation that stopped (daemon down at the period end) must not read as the last state holding:
  // past the last evaluation plus poll-failing's own tolerance, nothing is known.
  const evaluated = lastEvaluated(db, target.id);
  const staleFrom = evaluated === null ? null : evaluated + stalenessOf(input.rules);
  const observedTimelines: RuleTimeline[] = tracked.map((t) => ({
    ruleId: t.rule.rule.id,
    changes:
      staleFrom !== null && staleFrom < period.end
        ? [...t.changes, { at: Math.max(staleFrom, from), state: 'none', reason: '' }]
        : t.changes,
  }));
  const { timelines, reconstruction } = withReconstruction(db, target.id, observedTimelines);
  const watchesPolls = tracked.some((t) => t.rule.rule.id === POLL_FAILING);
  // Before its first evaluation the auditor was not watching the target yet (not installed, or the
  // target not configured): that time is unknown or reconstructed, but not blindness, which is losing
  // sight of a target already watched.
  const watchedFrom = firstEvaluation(tracked.map((t) => t.changes));
  const blindWhen = (states: ReadonlyMap<string, RuleState>, at: number): boolean => {
    if (watchedFrom === null || at < watchedFrom) return false;
    if (watchesPolls) {
      const s = states.get(POLL_FAILING);
      return s === 'alarm' || s === 'error' || s === 'none';
    }
    return [...states.values()].every((s) => s === 'none');
  };
  const breaks = [...(reconstruction ? [reconstruction.start, reconstruction.until] : []), ...(watchedFrom === null ? [] : [watchedFrom])];
  const pieces = sweep(timelines, from, period.end, blindWhen, breaks);
  const lengthMs = period.end - period.start;
  const current = measure(pieces, period.start, period.end);
  const before = measure(pieces, previous.start, previous.end);
  const recordedBefore = timelines.some((t) => t.changes.some((c) => c.at < previous.end));
  const judged = judgedOf(current);
  const judgedBefore = recordedBefore ? judgedOf(before) : null;
  const compliance = judgedShare(judged.okMs, judged.judgedMs);
  const previousCompliance = judgedBefore && judgedShare(judgedBefore.okMs, judgedBefore.judgedMs);

  const lastBefore = lastCompletedBefore(db, target.id, period.start);
  const ended = backupsIn(db, target.id, period.start, period.end);
  const stats = backupStats(period, days, ended, lastBefore);
  const rebuiltIn = (a: number, b: number): Judged | null =>
    reconstruction && judgedOf(measure(pieces, Math.max(a, reconstruction.start), Math.min(b, reconstruction.until)));
  const daily = days.map((d) => ({
    ...judgedOf(measure(pieces, d.start, d.end)),
    reconstructedMs: rebuiltIn(d.start, d.end)?.judgedMs ?? 0,
  }));
  const rebuilt = rebuiltIn(period.start, period.end);

  const currentAlarms: CurrentAlarm[] = [];
  const resolvedAlarms: ResolvedAlarm[] = [];
  const alarms: TargetResult['alarms'][number][] = [];
  let openedAlarms = 0;
  for (const t of tracked) {
    const rule = t.rule.rule.id;
    const severity = t.rule.severity;
    for (const e of episodes(t.changes)) {
      const openedIn = e.openedAt >= period.start && e.openedAt < period.end;
      const closedIn = e.closedAt !== null && e.closedAt >= period.start && e.closedAt < period.end;
      if (e.closedAt === null) currentAlarms.push({ rule, severity, since: iso(e.openedAt), reason: e.reason });
      if (closedIn && e.closedAt !== null && (e.closedTo === 'ok' || e.closedTo === 'error' || e.closedTo === 'skip')) {
        resolvedAlarms.push({
          rule,
          severity,
          openedAt: iso(e.openedAt),
          closedAt: iso(e.closedAt),
          durationMs: e.closedAt - e.openedAt,
          to: e.closedTo,
        });
      }
      if (openedIn) openedAlarms++;
      if (openedIn || closedIn) {
        const alarm: FleetAlarm = {
          target: target.id,
          rule,
          severity,
          openedAt: iso(e.openedAt),
          closedAt: e.closedAt === null ? null : iso(e.closedAt),
          durationMs: e.closedAt === null ? null : e.closedAt - e.openedAt,
          reason: e.reason,
        };
        alarms.push({ alarm, opened: openedIn, closed: closedIn });
      }
    }
  }

  const lastPiece = pieces[pieces.length - 1];
  const blind: BlindTarget | null =
    current.blind > 0
      ? { target: target.id, blindMs: current.blind, longestMs: current.longestBlind, atEnd: lastPiece?.blind === true }
      : null;
  const gap = stats.longestGap;
  const report: TargetReport = {
    id: target.id,
    cloud: input.cloud,
    account: target.account,
    service: target.service,
    instance: target.instance,
    labels: { ...target.labels },
    compliance,
    evidenceCoverage: share(judged.judgedMs, lengthMs),
    reconstructed:
      reconstruction && rebuilt && rebuilt.judgedMs > 0
        ? { ms: rebuilt.judgedMs, share: share(rebuilt.judgedMs, lengthMs), listedAt: iso(reconstruction.listedAt) }
        : null,
    time: { compliantMs: current.ok, alarmMs: current.alarm, unknownMs: current.unknown },
    previousCompliance,
    complianceChange: change(compliance, previousCompliance),
    daysWithBackup: stats.daysWithBackup,
    days: days.length,
    backups: { completed: stats.completed, failed: stats.failed },
    longestGap: gap && { ms: gap.ms, from: iso(gap.from), to: iso(gap.to), fromPeriodStart: gap.fromPeriodStart },
    rpo: achievedRpo(period, ended, lastBefore, objectiveOf(input.rules)),
    currentAlarms,
    resolvedAlarms: resolvedAlarms.sort((a, b) => compareText(a.closedAt, b.closedAt) || compareText(a.rule, b.rule)),
    openedAlarms,
    unwatchedMs: overlap(period.start, period.end, Number.NEGATIVE_INFINITY, watchedFrom ?? period.end),
    blindMs: current.blind,
    daily: days.map((d, i) => {
      const counts = stats.perDay[i] ?? { completed: 0, failed: 0 };
      return {
        date: d.date,
        start: d.startIso,
        end: d.endIso,
        status: counts.completed > 0 ? 'completed' : counts.failed > 0 ? 'failed' : 'none',
        completed: counts.completed,
        failed: counts.failed,
        compliance: judgedShare(daily[i]?.okMs ?? 0, daily[i]?.judgedMs ?? 0),
        evidenceCoverage: share(daily[i]?.judgedMs ?? 0, d.end - d.start),
        reconstructed: reconstruction ? share(overlap(d.start, d.end, reconstruction.start, reconstruction.until), d.end - d.start) : 0,
      };
    }),
    drill: drillSummary(db, target.id, input.rules, period.end),
  };
  return { report, alarms, blind, judged, daily, previous: judgedBefore, reconstructedMs: rebuilt?.judgedMs ?? 0 };
}
