import { resolveRules } from '../../rules/resolve.js';
import type { Rule, RuleResult, RuleTarget } from '../../rules/types.js';
import type { Clock } from '../clock.js';
import type { LoadedConfig } from '../config/load.js';
import type { TargetConfig } from '../config/schema.js';
import type { Db } from '../db/client.js';
import { readFinding, writeFinding } from '../db/findings.js';
import { hasSuccessfulPoll, loadHistory } from '../db/history.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import type { Registry } from '../registry.js';
import { routeChannels } from '../notify/routes.js';
import type { AlertItem } from '../notify/types.js';
import { decide } from './decide.js';

export interface EvaluateDeps {
  readonly db: Db;
  readonly loaded: LoadedConfig;
  readonly rules: Registry<Rule>;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface EvaluationSummary {
  readonly at: number;
  readonly findings: number;
  readonly changes: number;
  readonly notifications: number;
  readonly byState: Readonly<Record<string, number>>;
}

/** Runs one rule, turning the cases where it cannot judge into `error` instead of a guess. */
function runRule(rule: Rule, params: unknown, target: RuleTarget, deps: EvaluateDeps, now: number, polledOk: boolean): RuleResult {
  if (rule.needsSuccessfulPoll && !polledOk) return { state: 'error', reason: 'no successful poll yet; nothing to judge (poll-failing reports why)' };
  try {
    return rule.evaluate({ target, history: loadHistory(deps.db, target.id, now), now, params });
  } catch (err) {
    deps.log.error({ rule: rule.id, target: target.id, err: errorMessage(err) }, 'rule threw');
    return { state: 'error', reason: `rule failed: ${errorMessage(err)}` };
  }
}

/**
 * Evaluates every enabled rule for the given targets (all by default) at `now`, writing each target's
 * finding changes and the notifications they cause in one transaction.
 */
export function evaluateTargets(deps: EvaluateDeps, opts: { now?: number; targetIds?: readonly string[] } = {}): EvaluationSummary {
  const now = opts.now ?? deps.clock();
  const { config } = deps.loaded;
  const wanted = opts.targetIds && new Set(opts.targetIds);
  const byState: Record<string, number> = {};
  let findings = 0;
  let changes = 0;
  let notifications = 0;
  config.targets.forEach((t: TargetConfig, i) => {
    if (wanted && !wanted.has(t.id)) return;
    const target: RuleTarget = { id: t.id, service: t.service, instance: t.instance, labels: t.labels };
    const { resolved } = resolveRules(deps.rules, config, t, `targets[${i}]`);
    const polledOk = hasSuccessfulPoll(deps.db, t.id, now);
    const results = resolved.map((r) => ({
      r,
      result: r.enabled ? runRule(r.rule, r.params, target, deps, now, polledOk) : { state: 'skip' as const, reason: 'disabled for this target' },
    }));
    deps.db.$client.transaction(() => {
      for (const { r, result } of results) {
        const previous = readFinding(deps.db, t.id, r.rule.id);
        const d = decide(previous, result.state, now, config.alerting.repeatInterval);
        const item: AlertItem | null =
          d.send === null
            ? null
            : {
                kind: d.send,
                targetId: t.id,
                ruleId: r.rule.id,
                severity: r.severity,
                state: result.state === 'ok' ? 'ok' : 'alarm',
                reason: result.reason,
                since: previous && previous.state === result.state ? previous.since : now,
                labels: t.labels,
              };
        const channels = item ? routeChannels(config, { targetId: t.id, ruleId: r.rule.id, severity: r.severity, labels: t.labels }) : [];
        const notify = item
          ? channels
              .filter((ch) => item.kind !== 'resolved' || (config.channels[ch]?.sendResolved ?? config.alerting.sendResolved))
              .map((channel) => ({ channel, item }))
          : [];
        const state = result.state === 'ok' || result.state === 'alarm' || result.state === 'error' ? result.state : 'skip';
        const w = writeFinding(deps.db, previous, {
          targetId: t.id, ruleId: r.rule.id, state, severity: r.severity, reason: result.reason,
          details: 'details' in result ? result.details : undefined, now, notify, firing: d.firing,
        });
        findings++;
        if (w.changed) changes++;
        notifications += notify.length;
        byState[state] = (byState[state] ?? 0) + 1;
      }
    }).immediate();
  });
  return { at: now, findings, changes, notifications, byState };
}
