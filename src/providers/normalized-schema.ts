import { z } from 'zod';
import type { PollRecord } from '../db/ingest.js';
import type { NormalizedBackup } from './types.js';

const instant = z.number().int().nullable();

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The provider's own record, kept as listed: checked to be an object, not copied. `z.record` rebuilt
 * every one key by key, which was four fifths of parsing an ingest payload (bench figure 2: 40 µs of
 * 50 a poll, and a fifth of everything a scan allocated).
 */
const rawRecord = z.custom<Record<string, unknown>>(isRecord, { message: 'expected an object' });

/**
 * A NormalizedBackup as it crosses a process boundary (a poll worker hands its result to the database
 * owner through the `ingest` queue): parsed again on arrival, since a queue is an external input.
 */
export const normalizedBackupSchema: z.ZodType<NormalizedBackup> = z.strictObject({
  backupId: z.string().min(1),
  name: z.string().nullable(),
  kind: z.enum(['full', 'incremental', 'differential', 'unknown']),
  trigger: z.enum(['automated', 'manual', 'unknown']),
  status: z.enum(['completed', 'failed', 'running', 'expired', 'deleting', 'unknown']),
  rawStatus: z.string(),
  startedAt: instant,
  endedAt: instant,
  sizeBytes: z.number().nonnegative().nullable(),
  raw: rawRecord,
  problems: z.array(z.string()).optional(),
});

/** A poll's result (all pages, or the error that ended it), as carried by the `ingest` queue. */
export const pollRecordSchema: z.ZodType<PollRecord> = z.strictObject({
  targetId: z.string().min(1),
  slot: z.string().min(1).optional(),
  startedAt: z.number().int(),
  finishedAt: z.number().int(),
  outcome: z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), pages: z.number().int().nonnegative(), backups: z.array(normalizedBackupSchema).readonly() }),
    z.strictObject({
      ok: z.literal(false),
      pages: z.number().int().nonnegative(),
      error: z.strictObject({ kind: z.string(), code: z.string().optional(), message: z.string() }),
    }),
  ]),
});
