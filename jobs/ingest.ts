import { z } from 'zod';
import { targetById, targetPosition } from '../src/config/target-index.js';
import { errorMessage } from '../src/core/errors.js';
import { firstListing } from '../src/db/reconstruction.js';
import { pollRecordSchema } from '../src/domain/poll.js';
import type { EvaluateDeps } from '../src/engine/judge.js';
import { ingestPoll } from '../src/engine/poll.js';
import { reconstructTarget } from '../src/engine/reconstruct.js';
import type { OwnerHooks, PipelineDeps } from './deps.js';
import { defineJob } from './types.js';

/**
 * Commits one poll on the database owner (all pages or nothing), then asks for the target's evaluation.
 * A target's first successful poll also reconstructs what its listing says about the time before the
 * auditor looked (the report's reconstructed evidence). Polls are reported here rather than where they
 * ran: remote workers serve no /metrics. A duplicate (a retried ingest of a slot already stored) was
 * reported the first time.
 */
export const ingestJob = defineJob({
  name: 'ingest',
  payload: z.strictObject({ record: pollRecordSchema }),
  retry: { attempts: 5, backoffMs: 2_000 },
  async process(deps: EvaluateDeps & Pick<PipelineDeps, 'events'> & Pick<OwnerHooks, 'requestEvaluation'>, { record }) {
    const summary = ingestPoll(deps, record);
    if (summary.duplicate) return;
    deps.events.polled(summary);
    // A poll that joined the first listing's run saw the same listing: the past it shows is reconstructed already.
    if (summary.ok && !summary.extended && firstListing(deps.db, record.targetId)?.pollId === summary.pollId) {
      reconstructFirst(deps, record.targetId);
    }
    deps.requestEvaluation(record.targetId);
  },
});

/** Reconstruction is evidence about the past: its failure is logged and never fails the poll it follows. */
function reconstructFirst(deps: EvaluateDeps, targetId: string): void {
  const target = targetById(deps.loaded.config, targetId);
  if (!target) return;
  try {
    const n = reconstructTarget(deps, target, targetPosition(deps.loaded.config, targetId));
    deps.log.info({ target: targetId, changes: n }, 'reconstructed the time before the first poll from its listing');
  } catch (err) {
    deps.log.error({ target: targetId, err: errorMessage(err) }, 'reconstruction failed');
  }
}
