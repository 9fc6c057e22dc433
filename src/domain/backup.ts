import { z } from 'zod';

/** What a backup contains: a whole copy, changes since the last backup, or changes since the last full one. */
export const BACKUP_KINDS = ['full', 'incremental', 'differential', 'unknown'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];
export const backupKind = z.enum(BACKUP_KINDS);

/** Where a backup came from: the provider's schedule or a person. */
export const BACKUP_TRIGGERS = ['automated', 'manual', 'unknown'] as const;
export type BackupTrigger = (typeof BACKUP_TRIGGERS)[number];
export const backupTrigger = z.enum(BACKUP_TRIGGERS);

/**
 * A backup's state in one word for every provider. `unknown` is a provider word this product does not
 * recognise: it never counts as `completed`.
 */
export const BACKUP_STATUSES = ['completed', 'failed', 'running', 'expired', 'deleting', 'unknown'] as const;
export type BackupStatus = (typeof BACKUP_STATUSES)[number];
export const backupStatus = z.enum(BACKUP_STATUSES);

/** One backup in the provider-independent shape every rule reads (DESIGN.md "Normalized backup record"). */
export interface NormalizedBackup {
  /** Provider's id, unique per target, as a string even where the provider uses numbers. */
  readonly backupId: string;
  readonly name: string | null;
  readonly kind: BackupKind;
  readonly trigger: BackupTrigger;
  /** Never `completed` unless the provider's word means completed; anything unrecognised is `unknown`. */
  readonly status: BackupStatus;
  /** The provider's own status word, verbatim. */
  readonly rawStatus: string;
  /** UTC epoch ms, or null when absent or unparseable (the raw text stays in `raw`). */
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** Bytes, converted from the provider's unit; null when absent or unparseable. */
  readonly sizeBytes: number | null;
  /** The provider's item as received, minus secrets such as signed download URLs. */
  readonly raw: Readonly<Record<string, unknown>>;
  /**
   * Fields of this item that could not be understood (`BackupEndTime: "2019-13-45" is not a time`,
   * `State: unknown word "Paused"`). The item is still stored, with those fields null/unknown; the poll
   * run counts such items so nothing is dropped silently.
   */
  readonly problems?: readonly string[];
}

const instant = z.number().int().nullable();

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The provider's own record, kept as listed: checked to be an object, not copied. `z.record` would
 * rebuild every one key by key, most of the cost of parsing a poll that crosses a queue.
 */
const rawRecord = z.custom<Record<string, unknown>>(isRecord, { message: 'expected an object' });

/**
 * A NormalizedBackup as it crosses a process boundary (a poll worker hands its result to the database
 * owner through the `ingest` queue): parsed again on arrival, since a queue is an external input.
 */
export const normalizedBackupSchema: z.ZodType<NormalizedBackup> = z.strictObject({
  backupId: z.string().min(1),
  name: z.string().nullable(),
  kind: backupKind,
  trigger: backupTrigger,
  status: backupStatus,
  rawStatus: z.string(),
  startedAt: instant,
  endedAt: instant,
  sizeBytes: z.number().nonnegative().nullable(),
  raw: rawRecord,
  problems: z.array(z.string()).optional(),
});
