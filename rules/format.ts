import { iso } from '../src/clock.js';
import { formatDuration } from '../src/config/duration.js';

/** `2026-11-21T03:10Z`: minutes are what a person compares; seconds are noise in a reason. */
export const at = (ms: number): string => iso(ms).replace(/:\d{2}Z$/, 'Z');
export const ago = (ms: number): string => formatDuration(ms);
export const span = (ms: number): string => formatDuration(ms);

/** `backup 1234 ("nightly")`: provider text is quoted so a reader sees where it starts and ends. */
export function backupLabel(b: { backupId: string; name: string | null }): string {
  return b.name && b.name !== b.backupId ? `backup ${b.backupId} (${JSON.stringify(b.name)})` : `backup ${b.backupId}`;
}
