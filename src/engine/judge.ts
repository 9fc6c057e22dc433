import type { CoverageFact, HistoryNeeds, Rule, RuleTarget, TargetHistory } from '../../rules/types.js';
import type { LoadedConfig } from '../config/load.js';
import { type ResolvedRule, resolvedRules } from '../config/rule-settings.js';
import type { TargetConfig } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Registry } from '../core/registry.js';
import type { Db } from '../db/client.js';
import { coverageFact, policyEvidence } from '../db/discovery-facts.js';
import { drillFacts } from '../db/drills.js';
import { loadHistory } from '../db/history.js';
import type { FindingState } from '../domain/finding.js';

/** What judging and recording findings reads; the same for live evaluation, coverage and `evaluate --at`. */
export interface EvaluateDeps {
  readonly db: Db;
  readonly loaded: LoadedConfig;
  readonly rules: Registry<Rule>;
  readonly log: Logger;
  readonly clock: Clock;
  /** Coverage facts decided by the caller (uncovered instances' findings); others are read from stored discovery. */
  readonly coverageFacts?: ReadonlyMap<string, CoverageFact>;
}

/** One rule's verdict on one target, `skip` when the rule is disabled for it. */
export interface Verdict {
  readonly rule: ResolvedRule;
  readonly state: FindingState;
  readonly reason: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

/** What the enabled rules of a target read, merged: the largest lookback, the deepest recent-completed list. */
export function mergedNeeds(resolved: readonly ResolvedRule[]): HistoryNeeds {
  let lookbackMs = 0;
  let recentCompleted = 1;
  let policy = false;
  let coverage = false;
  let drills = false;
  for (const r of resolved) {
    if (!r.enabled || !r.rule.historyNeeds) continue;
    const n = r.rule.historyNeeds(r.params);
    lookbackMs = Math.max(lookbackMs, n.lookbackMs ?? 0);
    recentCompleted = Math.max(recentCompleted, n.recentCompleted ?? 1);
    policy ||= n.policy === true;
    coverage ||= n.coverage === true;
    drills ||= n.drills === true;
  }
  return { lookbackMs, recentCompleted, policy, coverage, drills };
}

const needsCache = new WeakMap<readonly ResolvedRule[], HistoryNeeds>();

/** A target's resolved rules (once per config, see `resolvedRules`) and what they read, merged. */
function resolvedFor(
  rules: Registry<Rule>,
  config: LoadedConfig['config'],
  target: TargetConfig,
  index: number,
): { resolved: readonly ResolvedRule[]; needs: HistoryNeeds } {
  const resolved = resolvedRules(rules, config, target, `targets[${index}]`);
  let needs = needsCache.get(resolved);
  if (!needs) {
    needs = mergedNeeds(resolved);
    needsCache.set(resolved, needs);
  }
  return { resolved, needs };
}

/**
 * Judges every registered rule for one target at `now`, reading its history once. Pure with respect
 * to the database: nothing is written. Rules that cannot judge (no successful poll yet, or a rule
 * that throws) give `error`, never a guess.
 */
export function judgeTarget(deps: EvaluateDeps, target: TargetConfig, index: number, now: number): Verdict[] {
  const { config } = deps.loaded;
  const { resolved, needs } = resolvedFor(deps.rules, config, target, index);
  let history: TargetHistory = loadHistory(deps.db, target.id, now, { needs });
  // loadHistory always includes the newest successful poll when there is one.
  const polledOk = history.polls.some((p) => p.ok);
  if (needs.policy) history = { ...history, policy: policyEvidence(deps.db, config, target, now) };
  if (needs.coverage) history = { ...history, coverage: deps.coverageFacts?.get(target.id) ?? coverageFact(deps.db, target, now) };
  if (needs.drills) history = { ...history, drills: drillFacts(deps.db, target.id, now) };
  return verdicts(deps, resolved, target, history, now, polledOk);
}

/** Each resolved rule's verdict on a history: `skip` when disabled, `error` when it cannot judge or throws. */
export function verdicts(
  deps: Pick<EvaluateDeps, 'log'>,
  resolved: readonly ResolvedRule[],
  target: TargetConfig,
  history: TargetHistory,
  now: number,
  polledOk: boolean,
): Verdict[] {
  const ruleTarget: RuleTarget = { id: target.id, service: target.service, instance: target.instance, labels: target.labels };
  return resolved.map((r): Verdict => {
    if (!r.enabled) return { rule: r, state: 'skip', reason: 'disabled for this target', details: undefined };
    if (r.rule.needsSuccessfulPoll && !polledOk) {
      return { rule: r, state: 'error', reason: 'no successful poll yet; nothing to judge (poll-failing reports why)', details: undefined };
    }
    try {
      const result = r.rule.evaluate({ target: ruleTarget, history, now, params: r.params });
      return { rule: r, state: result.state, reason: result.reason, details: result.details };
    } catch (err) {
      deps.log.error({ rule: r.rule.id, target: target.id, err: errorMessage(err) }, 'rule threw');
      return { rule: r, state: 'error', reason: `rule failed: ${errorMessage(err)}`, details: undefined };
    }
  });
}
