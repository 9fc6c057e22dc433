import { iso } from '../core/clock.js';
import type { AlertItem } from '../domain/alert.js';
import { AUDITOR_TARGET_ID } from '../domain/finding.js';
import type { PollRecord } from '../domain/poll.js';
import { route } from '../engine/routing.js';
import type { Digest } from '../notify/types.js';
import { type SendDeps, type SentOutcome, sendDigest } from './send.js';

/** The pseudo-rule of the store notice: routes, silences in `status` and the channels' subjects name it. */
export const STORE_RULE = 'evidence-store';

/** What a store notice says: why nothing is recorded, since when, and what is being lost. */
export interface StoreNotice {
  readonly state: 'alarm' | 'ok';
  /** `disk full: database or disk is full`. */
  readonly cause: string;
  readonly since: number;
  /** What could not be recorded, one line each (the first few). */
  readonly unrecorded: readonly string[];
}

/** One line per poll that could not be recorded: what it saw that matters (failed backups, its own failure). */
export function unrecordedPolls(records: readonly PollRecord[]): string[] {
  return records.map((r) => {
    const at = iso(r.finishedAt);
    if (!r.outcome.ok) return `${r.targetId}: poll at ${at} failed: ${r.outcome.error.kind}: ${r.outcome.error.message}`;
    const failed = r.outcome.backups.filter((b) => b.status === 'failed');
    const seen = `${r.outcome.backups.length} backups listed at ${at}`;
    if (failed.length === 0) return `${r.targetId}: ${seen}, none failed`;
    const which = failed.slice(0, 5).map((b) => `${b.backupId}${b.endedAt === null ? '' : ` (ended ${iso(b.endedAt)})`}`);
    return `${r.targetId}: ${seen}; FAILED: ${which.join(', ')}${failed.length > 5 ? ` and ${failed.length - 5} more` : ''}`;
  });
}

/**
 * Tells the channels straight away, without the outbox (which cannot be written), that the database
 * cannot be written, and later that it can again. Routed like a critical finding of the auditor itself.
 */
export async function sendStoreNotice(deps: SendDeps, notice: StoreNotice): Promise<{ channel: string; outcome: SentOutcome }[]> {
  const { config } = deps.loaded;
  const head =
    notice.state === 'alarm'
      ? `the database cannot be written since ${iso(notice.since)} (${notice.cause}); the auditor keeps polling and judging ` +
        'but records nothing, and resumes by itself once it can write'
      : `the database can be written again (it could not since ${iso(notice.since)}: ${notice.cause}); recording resumed`;
  const lines = notice.unrecorded.slice(0, 20);
  const more = notice.unrecorded.length > lines.length ? [`and ${notice.unrecorded.length - lines.length} more`] : [];
  const reason = [head, ...(lines.length > 0 ? ['not recorded:', ...lines, ...more] : [])].join('\n');
  const item: AlertItem = {
    kind: notice.state === 'alarm' ? 'firing' : 'resolved',
    targetId: AUDITOR_TARGET_ID,
    ruleId: STORE_RULE,
    severity: 'critical',
    state: notice.state,
    reason,
    since: notice.since,
    labels: {},
  };
  const { channels } = route(config, { targetId: item.targetId, ruleId: item.ruleId, severity: item.severity, labels: {} });
  const out: { channel: string; outcome: SentOutcome }[] = [];
  for (const channel of channels) {
    const digest: Digest = { channel, items: [item], createdAt: deps.clock() };
    out.push({ channel, outcome: await sendDigest(deps, digest) });
  }
  return out;
}
