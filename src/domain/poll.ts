import { z } from 'zod';
import { type NormalizedBackup, normalizedBackupSchema } from './backup.js';

/** Why a poll failed, in one word for every provider. */
export const POLL_ERROR_KINDS = ['auth', 'throttled', 'not-found', 'server', 'network', 'timeout', 'invalid-response', 'client'] as const;
export type PollErrorKind = (typeof POLL_ERROR_KINDS)[number];

/** What one poll of one target produced: every page, or the error that ended it. */
export type PollOutcome =
  | { readonly ok: true; readonly pages: number; readonly backups: readonly NormalizedBackup[] }
  | {
      readonly ok: false;
      readonly pages: number;
      /** `kind` is a PollErrorKind, or `config`/`internal` for a failure before or outside the provider call. */
      readonly error: { readonly kind: string; readonly code?: string | undefined; readonly message: string };
    };

/** One finished poll, as the database owner records it. */
export interface PollRecord {
  readonly targetId: string;
  /** Schedule slot of a scheduled poll; a second record for the same target and slot is ignored. */
  readonly slot?: string | undefined;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: PollOutcome;
}

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
