import { z } from 'zod';
import type { OwnerDeps } from '../src/daemon/deps.js';
import { ingestPoll } from '../src/engine/poll.js';
import { pollRecordSchema } from '../src/providers/normalized-schema.js';
import { defineJob } from './types.js';

/** Commits one poll on the database owner (all pages or nothing), then asks for the target's evaluation. */
export const ingestJob = defineJob({
  name: 'ingest',
  payload: z.strictObject({ record: pollRecordSchema }),
  retry: { attempts: 5, backoffMs: 2_000 },
  async process(deps: OwnerDeps, { record }) {
    const summary = ingestPoll(deps, record);
    if (!summary.duplicate) deps.requestEvaluation(record.targetId);
  },
});
