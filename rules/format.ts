import { iso } from '../src/core/clock.js';
import { formatDuration } from '../src/core/duration.js';
import { truncate } from '../src/core/text.js';

/** `2026-11-21T03:10Z`: minutes are what a person compares; seconds are noise in a reason. */
export const at = (ms: number): string => `${iso(ms).slice(0, -4)}Z`;
export const ago = (ms: number): string => formatDuration(ms);
export const span = (ms: number): string => formatDuration(ms);

/** Longest backup name quoted in a reason; a longer one is cut and ends in `…`. */
export const MAX_BACKUP_NAME = 256;

/** `backup 1234 ("nightly")`: provider text is quoted so a reader sees where it starts and ends, and cut. */
export function backupLabel(b: { backupId: string; name: string | null }): string {
  return b.name && b.name !== b.backupId
    ? `backup ${b.backupId} (${JSON.stringify(truncate(b.name, MAX_BACKUP_NAME))})`
    : `backup ${b.backupId}`;
}

const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * `512 B`, `1.5 KiB`, `3.2 GiB`: binary units, because that is what database and disk tools print,
 * and one decimal, enough to compare two sizes by eye.
 */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) < 1024) return `${n} B`;
  let value = n;
  let unit: string = 'B';
  for (const u of BINARY_UNITS) {
    if (Math.abs(value) < 1024) break;
    value /= 1024;
    unit = u;
  }
  return `${Number(value.toFixed(1))} ${unit}`;
}

/** `62%`, `50.4%`: one decimal at most, so a value just past a policy limit does not print as the limit itself. */
export const percent = (fraction: number): string => `${Number((fraction * 100).toFixed(1))}%`;
