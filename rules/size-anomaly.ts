import { z } from 'zod';
import { at, backupLabel, bytes, percent } from './format.js';
import { alarm, type BackupFact, defineRule, ok } from './types.js';

type Sized = BackupFact & { endedAt: number; sizeBytes: number };

/** The middle value (mean of the two middle ones for an even count); the caller guarantees a non-empty list. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/**
 * Alarms when the newest completed backup is 0 bytes, or smaller than `(1 - maxDrop)` × the median
 * of the `history` completed backups before it; with fewer than `history` earlier ones it judges no
 * drop (a 0-byte backup alarms regardless). It compares like with like: an incremental backup is
 * measured against earlier incrementals, since it is normally a fraction of a full one.
 */
export const sizeAnomaly = defineRule({
  id: 'size-anomaly',
  description: 'the newest completed backup is 0 bytes or much smaller than the ones before it',
  defaultSeverity: 'warning',
  needsSuccessfulPoll: true,
  judgesListingAlone: true,
  params: z.strictObject({
    maxDrop: z.number().min(0).max(1).default(0.5).describe('alarm when the newest backup is more than this fraction below the median'),
    history: z
      .number()
      .int()
      .min(2)
      .default(7)
      .describe('how many earlier completed backups of the same kind form the median; with fewer, no drop is judged'),
  }),
  historyNeeds: (params) => ({ recentCompleted: params.history + 1 }),
  evaluate({ history, now, params }) {
    const sized = history.backups
      .filter((b): b is Sized => b.status === 'completed' && b.endedAt !== null && b.endedAt <= now && b.sizeBytes !== null)
      .sort((x, y) => y.endedAt - x.endedAt);
    const policy = `policy: alarm below ${percent(1 - params.maxDrop)} of the median of the previous ${params.history} of the same kind`;
    const newest = sized[0];
    if (!newest) return ok(`no completed backup with a known size on record; nothing to compare; ${policy}`);
    const label = `the newest completed backup, ${backupLabel(newest)}, ended ${at(newest.endedAt)}`;
    const details = { backupId: newest.backupId, sizeBytes: newest.sizeBytes };
    if (newest.sizeBytes === 0) return alarm(`${label}, is 0 bytes; check that the backup holds data`, details);
    const previous = sized
      .slice(1)
      .filter((b) => b.kind === newest.kind)
      .slice(0, params.history);
    const sizes = previous.map((b) => b.sizeBytes);
    // A median of fewer points than configured is too noisy to call a drop (the 0-byte check above needs none).
    if (sizes.length < params.history) {
      const earlier = `${sizes.length} earlier sized ${newest.kind} backup${sizes.length === 1 ? '' : 's'}`;
      return ok(`${label}, is ${bytes(newest.sizeBytes)}; only ${earlier}, ${params.history} needed to judge a drop; ${policy}`, details);
    }
    const mid = median(sizes);
    // A median of 0 (every earlier backup empty) leaves nothing to fall below; it alarmed back then.
    const drop = mid > 0 ? 1 - newest.sizeBytes / mid : 0;
    const relation = mid <= 0 ? 'larger than' : drop > 0 ? `${percent(drop)} below` : drop < 0 ? `${percent(-drop)} above` : 'the same as';
    const comparison =
      `${label}, is ${bytes(newest.sizeBytes)}, ${relation} ` +
      `the median ${bytes(mid)} of the previous ${sizes.length} completed ${newest.kind} backups`;
    const all = { ...details, medianBytes: mid, drop, compared: sizes.length };
    return newest.sizeBytes < (1 - params.maxDrop) * mid
      ? alarm(`${comparison}; check that the backup holds all data; ${policy}`, all)
      : ok(`${comparison}; ${policy}`, all);
  },
});
