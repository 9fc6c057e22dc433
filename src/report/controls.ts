import type { Rule } from '../../rules/types.js';
import { resolvedRules } from '../config/rule-settings.js';
import type { Config } from '../config/schema.js';
import type { Control, Framework } from '../controls/types.js';
import { iso } from '../core/clock.js';
import type { Registry } from '../core/registry.js';
import type { Db } from '../db/client.js';
import { type FindingChange, ruleChanges } from '../db/report-reads.js';
import { EVIDENCE_KINDS } from '../domain/control.js';
import { combine, judgePair, type PairOutcome, partVerdict } from './controls-judge.js';
import type { ControlAlarm, ControlResult, ControlsReport, PartResult, Unjudged } from './types-controls.js';

/** What judging controls reads; `config` with the auto-generated targets already added (`withAutoTargets`). */
export interface ControlsDeps {
  readonly db: Db;
  readonly config: Config;
  readonly rules: Registry<Rule>;
  readonly frameworks: Registry<Framework>;
}

const EVIDENCE_SHOWN = 10;

/**
 * Judges the controls of `frameworkIds` over `[from, to)` from the recorded finding history (see
 * ControlsReport in types-controls.ts for what each verdict means). Reads one `ruleChanges` per
 * in-scope target; the caller provides a consistent snapshot (a read transaction) when it needs one.
 */
export function judgeControls(deps: ControlsDeps, frameworkIds: readonly string[], from: number, to: number): ControlsReport {
  const targets = deps.config.targets;
  const changes = new Map<string, Map<string, FindingChange[]>>();
  const outcome = (target: string, index: number, rule: string): PairOutcome => {
    if (!deps.rules.has(rule)) return { kind: 'unjudged', why: 'not-registered' };
    const t = targets[index];
    const resolved = t && resolvedRules(deps.rules, deps.config, t, `targets[${index}]`).find((r) => r.rule.id === rule);
    if (!resolved) return { kind: 'unjudged', why: deps.rules.get(rule).enabledByDefault === false ? 'not-configured' : 'not-applicable' };
    if (!resolved.enabled) return { kind: 'unjudged', why: 'disabled' };
    let byRule = changes.get(target);
    if (!byRule) {
      byRule = ruleChanges(deps.db, target, from, to);
      changes.set(target, byRule);
    }
    return judgePair(target, rule, byRule.get(rule), from, to);
  };

  const judgeControl = (control: Control): ControlResult => {
    const alarms: ControlAlarm[] = [];
    const unjudged: Unjudged[] = [];
    const parts: PartResult[] = [];
    for (const kind of EVIDENCE_KINDS) {
      const rules = control.evidence[kind];
      if (!rules || rules.length === 0) continue;
      let ok = 0;
      let alarmed = 0;
      for (const rule of rules) {
        if (!deps.rules.has(rule)) unjudged.push({ target: null, rule, why: 'not-registered' });
        targets.forEach((t, i) => {
          const o = outcome(t.id, i, rule);
          if (o.kind === 'ok') ok++;
          else if (o.kind === 'alarm') {
            alarmed++;
            alarms.push(...o.alarms);
          } else if (o.why !== 'not-registered') unjudged.push({ target: t.id, rule, why: o.why });
        });
      }
      const pairs = rules.length * targets.length;
      parts.push({ kind, rules, verdict: partVerdict(alarmed, ok, pairs), judged: ok + alarmed, pairs });
    }
    alarms.sort((a, b) => cmp(a.target, b.target) || cmp(a.rule, b.rule) || cmp(a.since, b.since));
    unjudged.sort((a, b) => cmp(a.target ?? '', b.target ?? '') || cmp(a.rule, b.rule));
    const named = [...new Set([...alarms.map((a) => a.target), ...unjudged.flatMap((u) => (u.target === null ? [] : [u.target]))])];
    const shown = named.length > 0 ? named : targets.slice(0, EVIDENCE_SHOWN).map((t) => t.id);
    return {
      id: control.id,
      title: control.title,
      clause: control.clause,
      verdict: combine(parts.map((p) => p.verdict)),
      parts,
      alarms,
      unjudged,
      evidence: shown.map((t) => `backup-auditor history ${t} --since ${sinceFor(t, alarms, iso(from))}`),
    };
  };

  return {
    from: iso(from),
    to: iso(to),
    frameworks: frameworkIds.map((id) => {
      const f = deps.frameworks.get(id);
      const controls = f.controls.map(judgeControl);
      return { id: f.id, title: f.title, verdict: combine(controls.map((c) => c.verdict)), controls };
    }),
  };
}

/** The earlier of the window start and the target's first alarm start: where its history shows the evidence. */
const sinceFor = (target: string, alarms: readonly ControlAlarm[], from: string): string =>
  alarms.reduce((min, a) => (a.target === target && a.since < min ? a.since : min), from);

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
