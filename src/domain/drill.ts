import { z } from 'zod';

/** How a restore drill ended: `ok` (the backup was restored and checked) or `failed`. */
export const DRILL_RESULTS = ['ok', 'failed'] as const;
export type DrillResult = (typeof DRILL_RESULTS)[number];
export const drillResult = z.enum(DRILL_RESULTS);

/** Where a drill was recorded from: the `drill record` command or the daemon's `POST /api/v1/drills`. */
export const DRILL_SOURCES = ['cli', 'http'] as const;
export type DrillSource = (typeof DRILL_SOURCES)[number];

/** The longest drill note kept, in characters. */
export const MAX_DRILL_NOTE = 2000;
/** The longest drill id (idempotency key), in characters. */
export const MAX_DRILL_ID = 200;

/** A drill as its recorder gives it, before an id is generated: what `drill record` and the HTTP API accept. */
export const drillInput = z.strictObject({
  /** The idempotency key; one is generated when absent. */
  id: z
    .string()
    .min(1)
    .max(MAX_DRILL_ID)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
  target: z.string().min(1),
  backupId: z.string().min(1).max(MAX_DRILL_ID).optional(),
  result: drillResult,
  at: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative().optional(),
  note: z.string().trim().min(1).max(MAX_DRILL_NOTE, `must be at most ${MAX_DRILL_NOTE} characters`).optional(),
  evidenceUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000)
    .optional(),
});
export type DrillInput = z.infer<typeof drillInput>;
