import type { BackupFact, PollFact, RuleTarget } from '../../rules/types.js';
import { type ResolvedRule, resolvedRules } from '../config/rule-settings.js';
import type { TargetConfig } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import { loadHistory } from '../db/history.js';
import { firstListing, type ReconstructedChange, replaceReconstruction } from '../db/reconstruction.js';
import type { FindingState } from '../domain/finding.js';
import type { EvaluateDeps } from './judge.js';

/** How far back a rule looks: its longest duration parameter (a window, lookback or maximum age), 0 for none. */
function reach(rule: ResolvedRule): number {
  const params = rule.params as Record<string, unknown>;
  return Object.values(params).reduce<number>((m, v) => (typeof v === 'number' && v >= 60_000 ? Math.max(m, v) : m), 0);
}

/** A backup as it stood at `t`: not yet there before it started, running until it ended, then as listed. */
function asOf(b: BackupFact, t: number): BackupFact | null {
  const began = b.startedAt ?? b.endedAt;
  if (began === null || began > t) return null;
  if (b.endedAt !== null && b.endedAt > t) return { ...b, status: 'running', rawStatus: 'running (reconstructed)', endedAt: null };
  return b;
}

/**
 * Reconstructs what the rules that judge a backup listing alone would have said before the auditor
 * first looked, from the provider's first listing of the target (its first successful poll), and stores
 * it as reconstructed evidence, replacing any earlier reconstruction. A rule is judged from the instant
 * its whole reach (the window it looks back over) lies within the listing; before that the provider may
 * already have deleted backups it would have counted, and the rule is `skip`. Returns the changes stored.
 */
export function reconstructTarget(deps: EvaluateDeps, target: TargetConfig, index?: number): number {
  const listing = firstListing(deps.db, target.id);
  if (!listing) return 0;
  const listed = loadHistory(deps.db, target.id, listing.listedAt).backups;
  const rules = resolvedRules(deps.rules, deps.loaded.config, target, index === undefined ? undefined : `targets[${index}]`).filter(
    (r) => r.enabled && r.rule.judgesListingAlone === true,
  );
  const times = listed.flatMap((b) => [b.startedAt, b.endedAt].filter((x): x is number => x !== null));
  if (times.length === 0 || rules.length === 0) {
    replaceReconstruction(deps.db, target.id, listing.listedAt, []);
    return 0;
  }
  const earliest = Math.min(...times);
  const reaches = [...new Set(rules.map(reach))];
  // The instants where some rule's verdict can change: backups starting and ending, their ages passing
  // each rule's reach, and each rule's reach first fitting within the listing.
  const candidates = new Set<number>([earliest]);
  for (const t of times) for (const r of reaches) candidates.add(r === 0 ? t : t + r + 1);
  for (const t of times) candidates.add(t);
  for (const r of reaches) candidates.add(earliest + r);
  const instants = [...candidates].filter((t) => t >= earliest && t < listing.listedAt).sort((a, b) => a - b);
  const ruleTarget: RuleTarget = { id: target.id, service: target.service, instance: target.instance, labels: target.labels };
  const last = new Map<string, FindingState>();
  const changes: ReconstructedChange[] = [];
  for (const t of instants) {
    const backups = listed.flatMap((b) => asOf(b, t) ?? []);
    const polls: PollFact[] = [{ startedAt: t, finishedAt: t, ok: true, errorKind: null, errorMessage: null }];
    for (const r of rules) {
      let state: FindingState;
      let reason: string;
      if (t - reach(r) < earliest) {
        state = 'skip';
        reason = 'before the listing covers the rule’s window';
      } else {
        try {
          const result = r.rule.evaluate({ target: ruleTarget, history: { backups, polls }, now: t, params: r.params });
          ({ state, reason } = result);
        } catch (err) {
          state = 'error';
          reason = `rule failed: ${errorMessage(err)}`;
        }
      }
      if (last.get(r.rule.id) === state) continue;
      last.set(r.rule.id, state);
      changes.push({ ruleId: r.rule.id, at: t, state, reason });
    }
  }
  replaceReconstruction(deps.db, target.id, listing.listedAt, changes);
  return changes.length;
}
