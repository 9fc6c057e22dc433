import { z } from 'zod';
import type { BackupKind } from './types.js';

const KINDS = ['full', 'incremental', 'differential', 'unknown'] as const satisfies readonly BackupKind[];

/** `kinds: [full]`: which backup kinds a policy counts; the empty default counts every kind. */
export const backupKinds = z
  .array(z.enum(KINDS))
  .default([])
  .describe('which backup kinds count (full, incremental, differential, unknown); empty = all');

/** `policy 7d (full only)`: the kinds suffix of a reason, empty when every kind counts. */
export const kindsNote = (kinds: readonly BackupKind[]): string => (kinds.length ? ` (${kinds.join('/')} only)` : '');

/** Whether a backup's kind counts under a `kinds` filter. */
export const kindCounts = (kinds: readonly BackupKind[], kind: BackupKind): boolean => kinds.length === 0 || kinds.includes(kind);
