import { z } from 'zod';
import type { Logger } from '../src/core/log.js';
import type { Db } from '../src/db/client.js';
import { pollRecordSchema } from '../src/domain/poll.js';
import { ingestPoll } from '../src/engine/poll.js';
import type { OwnerHooks, PipelineDeps } from './deps.js';
import { defineJob } from './types.js';

/**
 * Commits one poll on the database owner (all pages or nothing), then asks for the target's evaluation.
 * Polls are reported here rather than where they ran: remote workers serve no /metrics. A duplicate
 * (a retried ingest of a slot already stored) was reported the first time.
 */
export const ingestJob = defineJob({
  name: 'ingest',
  payload: z.strictObject({ record: pollRecordSchema }),
  retry: { attempts: 5, backoffMs: 2_000 },
  async process(deps: { db: Db; log: Logger } & Pick<PipelineDeps, 'events'> & Pick<OwnerHooks, 'requestEvaluation'>, { record }) {
    const summary = ingestPoll(deps, record);
    if (summary.duplicate) return;
    deps.events.polled(summary);
    deps.requestEvaluation(record.targetId);
  },
});
