import { z } from 'zod';
import { BACKUP_KINDS, type BackupKind, backupKind } from '../src/domain/backup.js';

/** `kinds: [full]`: which backup kinds a policy counts; the empty default counts every kind. */
export const backupKinds = z
  .array(backupKind)
  .default([])
  .describe(`which backup kinds count (${BACKUP_KINDS.join(', ')}); empty = all`);

/** `policy 7d (full only)`: the kinds suffix of a reason, empty when every kind counts. */
export const kindsNote = (kinds: readonly BackupKind[]): string => (kinds.length ? ` (${kinds.join('/')} only)` : '');

/** Whether a backup's kind counts under a `kinds` filter. */
export const kindCounts = (kinds: readonly BackupKind[], kind: BackupKind): boolean => kinds.length === 0 || kinds.includes(kind);
