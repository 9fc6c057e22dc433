import { dbBackupJob } from '../../jobs/db-backup.js';
import type { OwnerDeps } from '../../jobs/deps.js';
import { discoverJob } from '../../jobs/discover.js';
import { evaluateJob } from '../../jobs/evaluate.js';
import { ingestJob } from '../../jobs/ingest.js';
import { notifyJob } from '../../jobs/notify.js';
import { pollJob } from '../../jobs/poll.js';
import { pruneJob } from '../../jobs/prune.js';
import { reportJob } from '../../jobs/report.js';
import { settleJob } from '../../jobs/settle.js';
import { consume, type JobDefinition } from '../../jobs/types.js';
import { previewChanges } from '../engine/evaluate.js';
import { unrecordedPolls } from '../notify/emergency.js';
import type { StoreGuard } from './store-guard.js';

/**
 * A job whose failures the store guard sees first: a write the database refused starts (or continues)
 * an outage, told with `unrecorded` (what the job could not record). The job still fails, so the queue
 * retries it as before.
 */
function guarded<P, D>(job: JobDefinition<P, D>, guard: StoreGuard, unrecorded: (payload: P) => string[] = () => []): JobDefinition<P, D> {
  return {
    ...job,
    async process(deps, payload, meta) {
      try {
        await job.process(deps, payload, meta);
      } catch (err) {
        let lines: string[] = [];
        try {
          lines = unrecorded(payload);
        } catch {
          // Describing what was lost must not hide why: the guard still hears the failure.
        }
        guard.failed(err, lines);
        throw err;
      }
    },
  };
}

/**
 * Every queue the database owner consumes. SQLite work is one writer anyway, and one job at a time per
 * queue keeps a target's ingest before its evaluation; polling is network-bound (`pollConcurrency`,
 * 0 leaves it to `worker` processes), sending a few at once.
 */
export function consumeOwnerJobs(deps: OwnerDeps, guard: StoreGuard, opts: { pollConcurrency: number; notifyConcurrency: number }): void {
  const { queue } = deps;
  consume(
    queue,
    guarded(ingestJob, guard, (p) => unrecordedPolls([p.record])),
    deps,
    1,
  );
  consume(
    queue,
    guarded(evaluateJob, guard, (p) => previewChanges(deps, p.targetIds ? { targetIds: p.targetIds } : {})),
    deps,
    1,
  );
  consume(queue, guarded(settleJob, guard), deps, 1);
  consume(queue, guarded(reportJob, guard), deps, 1);
  consume(queue, guarded(discoverJob, guard), deps, 1);
  consume(queue, guarded(dbBackupJob, guard), deps, 1);
  consume(queue, guarded(pruneJob, guard), deps, 1);
  if (opts.pollConcurrency > 0) consume(queue, pollJob, deps, opts.pollConcurrency);
  consume(queue, notifyJob, deps, opts.notifyConcurrency);
}
