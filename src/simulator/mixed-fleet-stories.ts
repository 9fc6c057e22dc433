import type { SimBackupInput } from './fleet.js';
import type { SimApiId } from './fleet-spec.js';
import { randomInt } from './prng.js';

/**
 * The stories of the mixed fleet: for each, the backups that make an instance tell it under the
 * default rules, the sentence that describes it, and the rules it is expected to trip.
 */

/** What each generated instance is meant to show; every API gets each story in turn. */
export const STORIES = ['healthy', 'failing', 'stale', 'stuck', 'shrinking', 'missing'] as const;
export type Story = (typeof STORIES)[number];

const MIN = 60_000;
const H = 60 * MIN;
const MIB = 1024 ** 2;
/** Twice a day: keeps every story to exactly one rule (a daily stale instance also breaks retention, 7 in 7 days). */
const CYCLE = 12 * H;

export interface StoryPlan {
  readonly story: string;
  readonly expect: readonly string[];
  readonly backups: readonly SimBackupInput[];
}

/** The backups (newest first) that make an instance tell its story under the default rules. */
export function storyPlan(api: SimApiId, story: Story, random: () => number, now: number, count: number): StoryPlan {
  const size = randomInt(random, 2 * 1024, 200 * 1024) * MIB;
  const history = (lastEnd: number, n = count) => series(random, lastEnd, n, size);
  const hours = (ms: number) => Math.round(ms / H);
  switch (story) {
    case 'healthy': {
      const lastEnd = now - randomInt(random, 60, 600) * MIN;
      return { story: `backed up ${hours(now - lastEnd)}h ago, twice a day: compliant`, expect: [], backups: history(lastEnd) };
    }
    case 'failing': {
      const failedAt = now - randomInt(random, 60, 240) * MIN;
      const failed: SimBackupInput = {
        ...automated(api),
        status: 'failed',
        startedAt: failedAt,
        endedAt: failedAt + randomInt(random, 5, 20) * MIN,
        sizeBytes: 0,
      };
      return {
        story: `the latest backup FAILED ${hours(now - failedAt)}h ago`,
        expect: ['failed-backup'],
        backups: [failed, ...history(failedAt - randomInt(random, 8 * 60, 11 * 60) * MIN, count - 1)],
      };
    }
    case 'stale': {
      const lastEnd = now - randomInt(random, 31 * 60, 40 * 60) * MIN;
      // Automated backup was switched off (AUTOMATED_OFF in mixed-fleet.ts); TiDB exposes no policy, so backup-policy skips it there.
      const policy = api === 'ucloud/tidb' ? [] : ['backup-policy'];
      return {
        story: `automated backup switched off: the last completed backup ended ${hours(now - lastEnd)}h ago`,
        expect: ['recent-success', ...policy],
        backups: history(lastEnd),
      };
    }
    case 'stuck': {
      const since = now - randomInt(random, 7 * 60, 10 * 60) * MIN;
      if (api === 'aliyun/rds') {
        // DescribeBackups lists finished backups only: a stuck job shows as the instance going stale.
        const lastEnd = now - randomInt(random, 25 * 60, 30 * 60) * MIN;
        return {
          story:
            'a backup job hangs; DescribeBackups lists only finished backups, ' +
            `so the last completed one is ${hours(now - lastEnd)}h old`,
          expect: ['recent-success'],
          backups: history(lastEnd),
        };
      }
      const running: SimBackupInput = { ...automated(api), status: 'running', startedAt: since, endedAt: null, sizeBytes: 0 };
      return {
        story: `a backup has been running for ${hours(now - since)}h`,
        expect: ['stuck-running'],
        backups: [running, ...history(since - randomInt(random, 10 * 60, 11 * 60) * MIN, count - 1)],
      };
    }
    case 'shrinking': {
      const lastEnd = now - randomInt(random, 60, 600) * MIN;
      const percent = randomInt(random, 2, 10);
      const [newest, ...rest] = history(lastEnd);
      const shrunk = { ...(newest as SimBackupInput), sizeBytes: Math.max(MIB, Math.round((size * percent) / 100 / MIB) * MIB) };
      return { story: `the newest backup is ${percent}% of the usual size`, expect: ['size-anomaly'], backups: [shrunk, ...rest] };
    }
    case 'missing':
      // Discovery does not list it either: coverage alarms for the target too.
      return {
        story: 'configured, but the instance no longer exists at the provider',
        expect: ['target-missing', 'coverage'],
        backups: [],
      };
  }
}

/** Completed automated full backups every CYCLE, newest first, sizes in whole MiB (exact in every API's unit). */
function series(random: () => number, lastEnd: number, count: number, size: number): SimBackupInput[] {
  return Array.from({ length: count }, (_, i) => {
    const endedAt = lastEnd - i * CYCLE;
    // Older backups were a little smaller: the database grows about 0.1% a cycle, with noise.
    const sizeBytes = Math.round((size * (1 - i * 0.001 - randomInt(random, 0, 5) / 1000)) / MIB) * MIB;
    return { ...automatedFull, status: 'completed', startedAt: endedAt - randomInt(random, 15, 50) * MIN, endedAt, sizeBytes };
  });
}

const automatedFull = { kind: 'full', mode: 'Automated' } as const;

function automated(api: SimApiId): Pick<SimBackupInput, 'kind' | 'mode' | 'method'> {
  return api === 'aliyun/rds' ? { ...automatedFull, method: 'Physical' } : automatedFull;
}
