import { z } from 'zod';
import type { OwnerDeps } from '../src/daemon/deps.js';
import { pollRecordSchema } from '../src/domain/poll.js';
import { ingestPoll } from '../src/engine/poll.js';
import { defineJob } from './types.js';

/**
 * Commits one poll on the database owner (all pages or nothing), then asks for the target's evaluation.
 * Polls are counted here rather than where they ran: remote workers serve no /metrics. A duplicate
 * (a retried ingest of a slot already stored) was counted the first time.
 */
export const ingestJob = defineJob({
  name: 'ingest',
  payload: z.strictObject({ record: pollRecordSchema }),
  retry: { attempts: 5, backoffMs: 2_000 },
  async process(deps: OwnerDeps, { record }) {
    const summary = ingestPoll(deps, record);
    if (summary.duplicate) return;
    deps.metrics.polls.inc({ outcome: record.outcome.ok ? 'ok' : record.outcome.error.kind });
    deps.metrics.pollDuration.observe((record.finishedAt - record.startedAt) / 1000);
    deps.requestEvaluation(record.targetId);
  },
});
