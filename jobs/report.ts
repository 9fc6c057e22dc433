import { z } from 'zod';
import type { SendDeps } from '../src/notify/send.js';
import type { ReportDeps } from '../src/report/build.js';
import { runScheduledReport } from '../src/report/schedule.js';
import { defineJob } from './types.js';

/**
 * The weekly compliance report, on the database owner. The scheduler puts the week in the payload
 * (`lastCompleteWeek(tickInstant, timezone).label`) and uses `report:<week>` as the job id, so a retry
 * an hour later, or after Monday turned into Tuesday, still reports the same week. Each (week, channel)
 * is sent once however many daemons enqueue it (a lock in `meta`); a channel that failed transiently is
 * released and retried here with backoff, a permanent failure is not.
 */
export const reportJob = defineJob({
  name: 'report',
  payload: z.strictObject({
    period: z
      .string()
      .regex(/^\d{4}-W\d{2}$/, 'must be an ISO week such as 2026-W47')
      .optional(),
  }),
  retry: { attempts: 6, backoffMs: 60_000 },
  async process(deps: ReportDeps & SendDeps, { period }) {
    await runScheduledReport(deps, deps.clock(), period === undefined ? {} : { period });
  },
});
