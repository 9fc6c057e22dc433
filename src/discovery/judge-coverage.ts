import type { CoverageFact } from '../../rules/types.js';
import type { TargetConfig } from '../config/schema.js';
import { registry } from '../core/registry.js';
import { targetsNotOk } from '../db/findings.js';
import { type EvaluationSummary, evaluateTargets } from '../engine/evaluate.js';
import type { EvaluateDeps } from '../engine/judge.js';
import { instanceTargetId } from './auto-targets.js';
import { coverageOf } from './coverage.js';

/**
 * Evaluates `coverage` for the instances no target covers, at `now`, and records their findings like
 * every other rule's (state changes, notifications, silences): one per uncovered primary, under its
 * would-be target id `<account>/<service>/<instance>`, and ok for earlier uncovered ones that are now
 * covered, excluded or gone. Configured targets' coverage is judged with their other rules.
 */
export function evaluateCoverage(deps: EvaluateDeps, opts: { now?: number } = {}): EvaluationSummary {
  const now = opts.now ?? deps.clock();
  const config = deps.loaded.config;
  const coverage = coverageOf(deps.db, config, config.targets, now);
  const facts = new Map<string, CoverageFact>();
  const evaluated: TargetConfig[] = [];
  const taken = new Set(config.targets.map((t) => t.id));
  const synthetic = (account: string, service: string, instance: string): TargetConfig => ({
    id: instanceTargetId(account, service, instance),
    account,
    service,
    instance,
    labels: {},
    rules: {},
  });
  for (const sc of coverage) {
    for (const c of sc.instances) {
      const id = instanceTargetId(sc.account, sc.service, c.instance.instance);
      if (c.state !== 'uncovered' || taken.has(id)) continue;
      facts.set(id, {
        kind: 'uncovered',
        account: sc.account,
        service: sc.service,
        instance: c.instance.instance,
        name: c.instance.name,
        firstSeenAt: c.instance.firstSeenAt,
      });
      evaluated.push(synthetic(sc.account, sc.service, c.instance.instance));
      taken.add(id);
    }
  }
  // Earlier findings of instances no longer uncovered (and not targets): judged once more so they resolve.
  const earlier = targetsNotOk(deps.db, 'coverage');
  for (const id of earlier) {
    if (taken.has(id)) continue;
    const [account = '', service = '', ...rest] = id.split('/');
    if (!config.accounts[account]) continue; // an account removed from the config: its findings stay as they were
    facts.set(id, { kind: 'resolved', why: `instance ${rest.join('/')} is now a target, excluded, or no longer discovered` });
    evaluated.push(synthetic(account, service, rest.join('/')));
  }
  const rules = registry('rule', [deps.rules.get('coverage')]);
  return evaluateTargets(
    { ...deps, rules, coverageFacts: facts, loaded: { ...deps.loaded, config: { ...config, targets: evaluated } } },
    { now },
  );
}
