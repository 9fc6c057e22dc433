import { createHash } from 'node:crypto';
import { compareText } from '../core/text.js';
import type { NormalizedBackup } from '../domain/backup.js';

/** The last occurrence of each backupId wins: pages can shift while a listing is read. */
export function dedupeBackups(backups: readonly NormalizedBackup[]): NormalizedBackup[] {
  const byId = new Map<string, NormalizedBackup>();
  for (const b of backups) byId.set(b.backupId, b);
  return [...byId.values()];
}

/** sha256 of the normalized list in backupId order, so two polls that saw the same thing hash the same. */
export function contentHash(backups: readonly NormalizedBackup[]): string {
  const h = createHash('sha256');
  for (const b of [...backups].sort((x, y) => compareText(x.backupId, y.backupId))) {
    h.update(JSON.stringify([b.backupId, b.status, b.rawStatus, b.kind, b.trigger, b.startedAt, b.endedAt, b.sizeBytes, b.name]));
    h.update('\n');
  }
  return h.digest('hex');
}
