import { hash } from 'node:crypto';
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
  // One line per backup, hashed in one call: every poll is hashed, and a Hash object with two updates a
  // backup cost more than the text.
  let text = '';
  for (const b of [...backups].sort((x, y) => compareText(x.backupId, y.backupId))) {
    text += `${JSON.stringify([b.backupId, b.status, b.rawStatus, b.kind, b.trigger, b.startedAt, b.endedAt, b.sizeBytes, b.name])}\n`;
  }
  return hash('sha256', text, 'hex');
}
