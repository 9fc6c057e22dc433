import { z } from 'zod';
import { alertItemSchema } from '../domain/alert.js';
import type { Digest } from './types.js';

export const digestSchema: z.ZodType<Digest> = z.strictObject({
  channel: z.string().min(1),
  items: z.array(alertItemSchema).min(1),
  createdAt: z.number(),
});
