import type { BackupFact } from '../../rules/types.js';
import { resolvedRules } from '../config/rule-settings.js';
import type { Config, TargetConfig } from '../config/schema.js';
import { targetPosition } from '../config/target-index.js';
import { writeTransaction } from '../db/client.js';
import { markEvaluated, readTargetFindings, type StoredFinding, writeFinding } from '../db/findings.js';
import { activeSilences, type Silence, silenceMatches } from '../db/silences.js';
import type { AlertItem } from '../domain/alert.js';
import { AUDITOR_TARGET_ID } from '../domain/finding.js';
import { decide } from './decide.js';
import { type EvaluateDeps, judgeTarget, type Verdict, verdicts } from './judge.js';
import { route } from './routing.js';

export interface EvaluationSummary {
  readonly at: number;
  readonly findings: number;
  readonly changes: number;
  readonly notifications: number;
  /** Notifications held back by a silence. */
  readonly silenced: number;
  readonly byState: Readonly<Record<string, number>>;
}

/** Targets per write transaction: big enough to amortise commits, small enough not to hold the writer for long. */
const BATCH = 250;

/**
 * Evaluates every enabled rule for the given targets (all by default) at `now` and records the
 * findings: a state change appends a finding event, and the notifications it causes are written in the
 * same transaction, so a change is never recorded without its alerts or alerted without being recorded.
 */
export function evaluateTargets(deps: EvaluateDeps, opts: { now?: number; targetIds?: readonly string[] } = {}): EvaluationSummary {
  const now = opts.now ?? deps.clock();
  const targets = selected(deps.loaded.config, opts.targetIds);
  const summary = { at: now, findings: 0, changes: 0, notifications: 0, silenced: 0, byState: {} as Record<string, number> };
  const silences = activeSilences(deps.db, now);
  for (let start = 0; start < targets.length; start += BATCH) {
    const batch = targets.slice(start, start + BATCH).map(({ t, i }) => ({ t, verdicts: judgeTarget(deps, t, i, now) }));
    writeTransaction(deps.db, () => {
      for (const { t, verdicts } of batch) recordTarget(deps, t, verdicts, now, silences, summary);
    });
  }
  return summary;
}

/**
 * What evaluating would change, without writing anything: `target/rule: ok → alarm: reason` for each
 * finding whose state differs from the stored one. For telling people what could not be recorded
 * when the database cannot be written (it can still be read).
 */
export function previewChanges(deps: EvaluateDeps, opts: { now?: number; targetIds?: readonly string[] } = {}): string[] {
  const now = opts.now ?? deps.clock();
  const out: string[] = [];
  for (const { t, i } of selected(deps.loaded.config, opts.targetIds)) {
    const previous = readTargetFindings(deps.db, t.id);
    for (const v of judgeTarget(deps, t, i, now)) {
      const was = previous.get(v.rule.rule.id)?.state;
      if (was !== v.state && v.state !== 'skip') out.push(`${t.id}/${v.rule.rule.id}: ${was ?? 'new'} → ${v.state}: ${v.reason}`);
    }
  }
  return out;
}

/** The auditor itself as a target: findings about its own evidence (`evidence-backup`) hang on it. */
export const AUDITOR_TARGET: TargetConfig = { id: AUDITOR_TARGET_ID, account: '', service: '', instance: '', labels: {}, rules: {} };

/**
 * Judges the auditor's own rules over its evidence backups (completed copies and failed attempts, as
 * backup facts) at `now`, and records the findings like any target's: state changes, routes, silences
 * and notifications in one transaction.
 */
export function evaluateAuditor(deps: EvaluateDeps, evidence: readonly BackupFact[], now: number = deps.clock()): EvaluationSummary {
  const summary = { at: now, findings: 0, changes: 0, notifications: 0, silenced: 0, byState: {} as Record<string, number> };
  const resolved = resolvedRules(deps.rules, deps.loaded.config, AUDITOR_TARGET, 'the auditor');
  const judged = verdicts(deps, resolved, AUDITOR_TARGET, { backups: evidence, polls: [] }, now, true);
  const silences = activeSilences(deps.db, now);
  writeTransaction(deps.db, () => recordTarget(deps, AUDITOR_TARGET, judged, now, silences, summary));
  return summary;
}

/**
 * The targets to evaluate with their config positions, in config order: all of them, or those of
 * `ids` that the config has. Found through an index: the daemon evaluates a few targets after each
 * poll, and mapping the whole list for each made a scan quadratic.
 */
function selected(config: Pick<Config, 'targets'>, ids: readonly string[] | undefined): { t: TargetConfig; i: number }[] {
  if (!ids) return config.targets.map((t, i) => ({ t, i }));
  const at = [...new Set(ids)].flatMap((id) => {
    const i = targetPosition(config, id);
    return i === undefined ? [] : [i];
  });
  return at.sort((a, b) => a - b).map((i) => ({ t: config.targets[i] as TargetConfig, i }));
}

type Tally = { findings: number; changes: number; notifications: number; silenced: number; byState: Record<string, number> };

/**
 * Records a target's verdicts against its stored findings. Findings are rewritten only when they
 * changed, so when none was, one is stamped with `now`: the target's last evaluation stays known.
 */
function recordTarget(
  deps: EvaluateDeps,
  t: TargetConfig,
  verdicts: readonly Verdict[],
  now: number,
  silences: readonly Silence[],
  summary: Tally,
): void {
  const previous = readTargetFindings(deps.db, t.id);
  let written = false;
  for (const v of verdicts) if (record(deps, t, v, previous.get(v.rule.rule.id), now, silences, summary)) written = true;
  const first = verdicts[0];
  if (!written && first) markEvaluated(deps.db, t.id, first.rule.rule.id, now);
}

/** Records one verdict; returns whether the finding's row was written. */
function record(
  deps: EvaluateDeps,
  t: TargetConfig,
  v: Verdict,
  previous: StoredFinding | undefined,
  now: number,
  silences: readonly Silence[],
  summary: Tally,
): boolean {
  const { config } = deps.loaded;
  const ruleId = v.rule.rule.id;
  const key = { targetId: t.id, ruleId, severity: v.rule.severity, labels: t.labels };
  // Only an alarm or a firing finding can send or read the reminder interval: the routes are matched
  // for those, not for each of the findings that stay ok on every pass.
  const routing = v.state === 'alarm' || previous?.firing === true ? route(config, key) : null;
  const silence = silences.length === 0 ? undefined : silences.find((s) => silenceMatches(s, key));
  let d = decide(previous, v.state, now, routing?.repeatInterval ?? config.alerting.repeatInterval);
  // A silence that ended while the finding kept firing: say so now rather than at the next reminder.
  if (!silence && previous?.silencedBy != null && d.send === null && d.firing && v.state === 'alarm')
    d = { send: 'reminder', firing: true };
  const item: AlertItem | null =
    d.send === null
      ? null
      : {
          kind: d.send,
          targetId: t.id,
          ruleId,
          severity: v.rule.severity,
          state: v.state === 'ok' ? 'ok' : 'alarm',
          reason: v.reason,
          since: previous && previous.state === v.state ? previous.since : now,
          labels: t.labels,
        };
  const channels = item
    ? (routing ?? route(config, key)).channels.filter(
        (ch) => item.kind !== 'resolved' || (config.channels[ch]?.sendResolved ?? config.alerting.sendResolved),
      )
    : [];
  // Silenced: recorded as evaluated, nothing sent, and `firing` left as it was, so the end of the
  // silence sends what is still true then (a new alarm, a resolution, or a reminder).
  const held = silence !== undefined && item !== null;
  const notify = held || !item ? [] : channels.map((channel) => ({ channel, item }));
  const w = writeFinding(deps.db, previous, {
    targetId: t.id,
    ruleId,
    state: v.state,
    severity: v.rule.severity,
    reason: v.reason,
    details: v.details,
    now,
    notify,
    firing: held ? (previous?.firing ?? false) : d.firing,
    silencedBy: silence?.id ?? null,
  });
  summary.findings++;
  if (w.changed) summary.changes++;
  if (held) summary.silenced++;
  summary.notifications += notify.length;
  summary.byState[v.state] = (summary.byState[v.state] ?? 0) + 1;
  return w.written;
}
