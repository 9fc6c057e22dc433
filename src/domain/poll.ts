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
  /** The listing pages' response bodies as received, in order (src/engine/page-bodies.ts); absent when none were kept. */
  readonly pageBodies?: PageBodies | undefined;
}

/** The bodies of a poll's pages that are kept, and how many more were not (over MAX_KEPT_BODY_BYTES). */
export interface PageBodies {
  readonly bodies: readonly string[];
  readonly omitted: number;
}

/**
 * The most body text one poll keeps: 4 MiB, about 40 pages of 100 backups. The bodies travel in the
 * `ingest` job (through Redis in scale-out), so its payload stays bounded; pages past it are counted.
 */
export const MAX_KEPT_BODY_BYTES = 4 * 1024 * 1024;

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
  pageBodies: z
    .strictObject({
      bodies: z.array(z.string()).readonly(),
      omitted: z.number().int().nonnegative(),
    })
    .refine((p) => p.bodies.reduce((n, b) => n + b.length, 0) <= MAX_KEPT_BODY_BYTES, {
      message: `pageBodies.bodies: more than ${MAX_KEPT_BODY_BYTES} characters`,
    })
    .optional(),
});
