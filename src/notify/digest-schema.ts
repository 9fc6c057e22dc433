import { z } from 'zod';
import type { Digest } from './types.js';

/** An AlertItem as it crosses a queue to whichever worker sends it. */
export const alertItemSchema = z.strictObject({
  kind: z.enum(['firing', 'resolved', 'reminder', 'test']),
  targetId: z.string(),
  ruleId: z.string(),
  severity: z.enum(['critical', 'warning', 'info']),
  state: z.enum(['ok', 'alarm']),
  reason: z.string(),
  since: z.number(),
  labels: z.record(z.string(), z.string()),
});

export const digestSchema: z.ZodType<Digest> = z.strictObject({
  channel: z.string().min(1),
  items: z.array(alertItemSchema).min(1),
  createdAt: z.number(),
});
