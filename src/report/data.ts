import { resolveRules } from '../../rules/resolve.js';
import type { Rule } from '../../rules/types.js';
import { iso } from '../clock.js';
import type { LoadedConfig } from '../config/load.js';
import type { Db } from '../db/client.js';
import type { Registry } from '../registry.js';
import { summarizeFleet } from './fleet.js';
import { localDays, previousPeriod, type Period } from './period.js';
import { computeTarget } from './target.js';
import type { ComplianceReport, ReportPeriod } from './types.js';

/** What computing a report reads: the database, the config (targets, rules, timezone) and the rule registry. */
export interface ReportDeps {
  readonly db: Db;
  readonly loaded: LoadedConfig;
  readonly rules: Registry<Rule>;
}

const periodJson = (p: Period): ReportPeriod => ({ label: p.label, kind: p.kind, start: iso(p.start), end: iso(p.end), lengthMs: p.end - p.start });

/**
 * Computes the compliance report for `period` from the database alone, as one consistent snapshot
 * (a single read transaction, so a daemon writing meanwhile cannot tear it). `now` is only stamped as
 * `generatedAt`: every number depends on the period and the stored history, never on the clock.
 * Findings are taken as recorded up to the period end; backups count by their end time, with what is
 * known about them now (a backup that ended in the period but was first listed after it still counts).
 */
export function buildReport(deps: ReportDeps, period: Period, now: number): ComplianceReport {
  const { config } = deps.loaded;
  const previous = previousPeriod(period);
  const days = localDays(period);
  const results = deps.db.$client
    .transaction(() =>
      config.targets.map((target, i) =>
        computeTarget(
          deps.db,
          {
            target,
            cloud: config.accounts[target.account]?.cloud ?? 'unknown',
            rules: resolveRules(deps.rules, config, target, `targets[${i}]`).resolved,
          },
          period,
          previous,
          days,
        ),
      ),
    )
    .deferred();
  const { fleet, targets } = summarizeFleet(results, days);
  return {
    version: 1,
    generatedAt: iso(now),
    timezone: period.timeZone,
    period: periodJson(period),
    previousPeriod: periodJson(previous),
    fleet,
    targets,
  };
}
