import type { BackupKind, BackupStatus, BackupTrigger, NormalizedBackup } from '../../domain/backup.js';
import { type GatewayBackupItem, idKey } from './schema.js';

/** OTC RDS status words (upper case in the docs; matched case-insensitively). */
const RDS_STATUS: Readonly<Record<string, BackupStatus>> = {
  building: 'running',
  completed: 'completed',
  failed: 'failed',
  deleting: 'deleting',
};
/** DDS: the documentation says DISABLED for "being deleted", the SDK DELETING; both are accepted. */
const DDS_STATUS: Readonly<Record<string, BackupStatus>> = { ...RDS_STATUS, disabled: 'deleting' };

/**
 * `type` of both services: `auto` automated full, `manual` manual full, `fragment` differential full,
 * `incremental` automated incremental (DDS capitalises them). The docs do not say who starts a
 * differential (`fragment`) backup, so its trigger stays unknown rather than guessed.
 */
const TYPE: Readonly<Record<string, { kind: BackupKind; trigger: BackupTrigger }>> = {
  auto: { kind: 'full', trigger: 'automated' },
  manual: { kind: 'full', trigger: 'manual' },
  fragment: { kind: 'differential', trigger: 'unknown' },
  incremental: { kind: 'incremental', trigger: 'automated' },
};

/** kB (OTC) and KB (DDS) are both taken as 1024 bytes; the docs do not say (PROVIDERS.md "Normalization"). */
const KIB = 1024;

/** Converts one OTC RDS v3 `backups` item; times carry their own offset (`2018-08-06T12:41:14+0800`). */
export function normalizeOtcRdsBackup(item: GatewayBackupItem): NormalizedBackup {
  return normalize(item, RDS_STATUS, parseOtcTime, 'kB');
}

/** Converts one Huawei DDS v3 `backups` item; times are UTC without a zone (`2018-08-06 12:41:14`). */
export function normalizeDdsBackup(item: GatewayBackupItem): NormalizedBackup {
  return normalize(item, DDS_STATUS, parseDdsTime, 'KB');
}

function normalize(
  item: GatewayBackupItem,
  statuses: Readonly<Record<string, BackupStatus>>,
  parseTime: (text: string) => number | null,
  unit: string,
): NormalizedBackup {
  const problems: string[] = [];
  const key = idKey(item) ?? 'id'; // the page schema guarantees an id under one of these keys
  if (key !== 'id') problems.push(`key ${JSON.stringify(key)} has stray whitespace; read as id`);
  const rawStatus = typeof item.status === 'string' ? item.status : '';
  const status = word(statuses, item.status);
  if (status === undefined) problems.push(`status: ${describe(item.status)} is not a known status`);
  const type = word(TYPE, item.type);
  if (type === undefined) problems.push(`type: ${describe(item.type)} is not a known backup type`);
  return {
    backupId: String(item[key]).trim(),
    name: typeof item.name === 'string' && item.name.trim() !== '' ? item.name : null,
    kind: type?.kind ?? 'unknown',
    trigger: type?.trigger ?? 'unknown',
    status: status ?? 'unknown',
    rawStatus,
    startedAt: time(item, 'begin_time', parseTime, problems),
    endedAt: time(item, 'end_time', parseTime, problems),
    sizeBytes: size(item.size, unit, problems),
    raw: item,
    ...(problems.length > 0 && { problems }),
  };
}

/** The table entry for a word, case-insensitively and ignoring surrounding spaces; undefined otherwise. */
function word<T>(table: Readonly<Record<string, T>>, value: unknown): T | undefined {
  if (typeof value !== 'string') return undefined;
  const key = value.trim().toLowerCase();
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Absent, null and '' mean "not yet" (a running backup has no end); anything else must parse. */
function time(item: GatewayBackupItem, field: string, parse: (text: string) => number | null, problems: string[]): number | null {
  const value = item[field];
  if (value === undefined || value === null || value === '') return null;
  const ms = typeof value === 'string' ? parse(value) : null;
  if (ms === null) problems.push(`${field}: ${describe(value)} is not a time`);
  return ms;
}

function size(value: unknown, unit: string, problems: string[]): number | null {
  if (value === undefined || value === null) return null;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < 0) {
    problems.push(`size: ${describe(value)} is not a size in ${unit}`);
    return null;
  }
  const bytes = Math.round(n * KIB);
  if (!Number.isSafeInteger(bytes)) {
    problems.push(`size: ${describe(value)} ${unit} is too large`);
    return null;
  }
  return bytes;
}

/** A value for a problem text: quoted strings, JSON for the rest, bounded so a huge field stays readable. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `yyyy-mm-ddThh:mm:ss` followed by an offset `+0800`, `+08:00` or `Z`. Without an offset the instant
 * is ambiguous, so it is null rather than a guess; so is any impossible date.
 */
export function parseOtcTime(text: string): number | null {
  return parseTime(text, false);
}

/** `yyyy-mm-dd hh:mm:ss` in UTC (a `T` separator, fractions or an explicit offset are accepted too). */
export function parseDdsTime(text: string): number | null {
  return parseTime(text, true);
}

function parseTime(text: string, utcWithoutZone: boolean): number | null {
  const m = TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const zone = m[7];
  if (zone === undefined && !utcWithoutZone) return null;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls February 30th over into March; a day that does not survive the round trip did not exist.
  if (new Date(local).getUTCDate() !== d) return null;
  const offset = offsetMinutes(zone);
  return offset === null ? null : local - offset * 60_000;
}

/** Minutes east of UTC for `Z`, `+0800`, `-05:30`; 0 when absent; null beyond ±14:00 or 59 minutes. */
function offsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const mins = Number(digits.slice(2));
  if (hours > 14 || mins > 59) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + mins);
}
