import type { Rule } from '../../rules/types.js';
import { resolvedRules } from '../config/rule-settings.js';
import type { Config } from '../config/schema.js';
import { iso } from '../core/clock.js';
import type { Registry } from '../core/registry.js';
import type { Db } from '../db/client.js';
import { notifyingChanges, silencesInForce } from '../db/report-exceptions.js';
import type { Silence } from '../db/silences.js';
import type { Period } from './period.js';
import type { CoverageExclusion, DisabledRule, ReportExceptions, SilenceException } from './types-exceptions.js';

/**
 * What the audit deliberately left out during `period`: the silences in force (with how many
 * notifications each held back), the config's coverage exclusions and its disabled rules. Reads the
 * database: call it inside the report's read transaction. `config` is the effective one (auto-targets included).
 */
export function reportExceptions(db: Db, rules: Registry<Rule>, config: Config, period: Period): ReportExceptions {
  let labelsOf: Map<string, Readonly<Record<string, string>>> | undefined;
  const silences = silencesInForce(db, period.start, period.end).map((s) => {
    const labels = Object.entries(s.matchers.labels ?? {});
    if (labels.length > 0) labelsOf ??= new Map(config.targets.map((t) => [t.id, t.labels]));
    return silenceException(db, s, period, (target) => labels.every(([k, v]) => labelsOf?.get(target)?.[k] === v));
  });
  const exclusions: CoverageExclusion[] = Object.entries(config.accounts).flatMap(([account, a]) =>
    (a.discover?.exclude ?? []).map((e) =>
      typeof e === 'string' ? { account, match: e, reason: null } : { account, match: e.match, reason: e.reason },
    ),
  );
  const disabledRules: DisabledRule[] = config.targets.flatMap((target, i) =>
    resolvedRules(rules, config, target, `targets[${i}]`)
      .filter((r) => !r.enabled)
      .map((r) => ({ target: target.id, rule: r.rule.id, where: r.disabledBy ?? null })),
  );
  return { silences, exclusions, disabledRules };
}

/** One silence as listed, with the changes it held back while in force within the period. */
function silenceException(db: Db, s: Silence, period: Period, labelsMatch: (target: string) => boolean): SilenceException {
  const until = s.expiredAt === null ? s.endsAt : Math.min(s.endsAt, s.expiredAt);
  const from = Math.max(s.startsAt, s.createdAt, period.start);
  const to = Math.min(until, period.end);
  let heldBack = 0;
  if (from < to) {
    const changes = notifyingChanges(db, { from, to, target: s.matchers.target ?? null, rule: s.matchers.rule ?? null });
    for (const [target, count] of changes) if (labelsMatch(target)) heldBack += count;
  }
  return {
    id: s.id,
    author: s.author,
    reason: s.reason,
    from: iso(s.startsAt),
    until: iso(until),
    expired: s.expiredAt !== null,
    createdAt: iso(s.createdAt),
    matchers: { target: s.matchers.target ?? null, rule: s.matchers.rule ?? null, labels: { ...s.matchers.labels } },
    heldBack,
  };
}
