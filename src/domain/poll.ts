import { z } from 'zod';
import { type NormalizedBackup, normalizedBackupSchema } from './backup.js';

/** Why a poll failed, in one word for every provider. */
export const POLL_ERROR_KINDS = ['auth', 'throttled', 'not-found', 'server', 'network', 'timeout', 'invalid-response', 'client'] as const;
export type PollErrorKind = (typeof POLL_ERROR_KINDS)[number];

/**
 * Failure kinds that waiting will not fix: the provider refused the credentials, the request or the
 * instance, or the configuration is wrong. Recorded with the poll, so rules can alarm at once.
 */
export const PERMANENT_POLL_ERROR_KINDS: readonly string[] = ['auth', 'not-found', 'client', 'config'];

/** Why a poll failed: its class, the provider's own code and request id, and whether waiting can fix it. */
export interface PollError {
  /** A PollErrorKind, or `config`/`internal` for a failure before or outside the provider call. */
  readonly kind: string;
  /** The provider's error code (`SignatureDoesNotMatch`, `APIG.0301`, RetCode 171...). */
  readonly code?: string | undefined;
  /** The provider's request id, for its support desk. */
  readonly requestId?: string | undefined;
  /** True when retrying cannot help (see PERMANENT_POLL_ERROR_KINDS); absent in polls recorded before this was kept. */
  readonly permanent?: boolean | undefined;
  readonly message: string;
}

/** What one poll of one target produced: every page, or the error that ended it. */
export type PollOutcome =
  | { readonly ok: true; readonly pages: number; readonly backups: readonly NormalizedBackup[] }
  | { readonly ok: false; readonly pages: number; readonly error: PollError };

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
      error: z.strictObject({
        kind: z.string(),
        code: z.string().optional(),
        requestId: z.string().optional(),
        permanent: z.boolean().optional(),
        message: z.string(),
      }),
    }),
  ]),
});
