import type { BackupStatus, BackupTrigger, NormalizedBackup } from '../../domain/backup.js';
import type { TidbBackupItem, UpgsqlBackupItem } from './schema.js';

const MIB = 1024 ** 2;
/** Beyond 5138-11-16 in seconds: a value this large is milliseconds (or garbage), not UCloud's unix seconds. */
const MAX_UNIX_SECONDS = 1e11;

/** UPgSQL's documented words only, matched exactly; anything else is `unknown` and never completed. */
const UPGSQL_STATUS: Readonly<Record<string, BackupStatus>> = {
  Backuping: 'running',
  Success: 'completed',
  Failed: 'failed',
  Expired: 'expired',
};
const UPGSQL_TRIGGER: Readonly<Record<number, BackupTrigger>> = { 1: 'automated', 2: 'manual' };
/** TiDB's State values are not documented; these words are read case-insensitively. */
const TIDB_STATUS: Readonly<Record<string, BackupStatus>> = {
  success: 'completed',
  completed: 'completed',
  failed: 'failed',
  backuping: 'running',
  running: 'running',
};

/**
 * Converts one ListUPgSQLBackup item. Times are unix seconds, sizes bytes, `BackupType` 1 automatic /
 * 2 manual. UPgSQL lists only full backups (its WAL archives are a separate API, ListUPgSQLLog), so
 * `kind` is `full` unless the item has a `BackupMethod`/`BackupMode` field saying incremental.
 */
export function normalizeUpgsqlBackup(item: UpgsqlBackupItem): NormalizedBackup {
  const problems: string[] = [];
  const state = readState(item.State, problems);
  const status = state === undefined ? 'unknown' : lookup(UPGSQL_STATUS, state);
  if (state !== undefined && status === undefined) problems.push(`State: unknown word ${quote(state)}`);
  return withProblems(
    {
      backupId: String(item.BackupID).trim(),
      name: typeof item.BackupName === 'string' && item.BackupName.trim() !== '' ? item.BackupName : null,
      kind: mentionsIncremental(item.BackupMethod) || mentionsIncremental(item.BackupMode) ? 'incremental' : 'full',
      trigger: upgsqlTrigger(item.BackupType, problems),
      status: status ?? 'unknown',
      rawStatus: state ?? rawText(item.State),
      startedAt: parseUnixSeconds(item.BackupStartTime, 'BackupStartTime', problems),
      endedAt: parseUnixSeconds(item.BackupEndTime, 'BackupEndTime', problems),
      sizeBytes: parseSize(item.BackupSize, 'BackupSize', 1, problems),
      raw: redactItem(item),
    },
    problems,
  );
}

/**
 * Converts one ListTiDBClusterBackup item. Times are taken as unix seconds (the document says only
 * "int"), sizes are MB (1024² bytes), `State` is matched case-insensitively. `BackupType` ("backup
 * method", values undocumented) gives the trigger and kind when it names them, else they are `unknown`.
 */
export function normalizeTidbBackup(item: TidbBackupItem): NormalizedBackup {
  const problems: string[] = [];
  const state = readState(item.State, problems);
  const status = state === undefined ? 'unknown' : lookup(TIDB_STATUS, state.trim().toLowerCase());
  if (state !== undefined && status === undefined) problems.push(`State: unknown word ${quote(state)}`);
  const method = typeof item.BackupType === 'string' ? item.BackupType.toLowerCase() : '';
  return withProblems(
    {
      backupId: String(item.BackupId).trim(),
      name: null, // TiDB backups have no name in this API
      kind: /\bfull\b/.test(method) ? 'full' : /incr/.test(method) ? 'incremental' : 'unknown',
      trigger: /\bauto/.test(method) ? 'automated' : /\bmanual\b/.test(method) ? 'manual' : 'unknown',
      status: status ?? 'unknown',
      rawStatus: state ?? rawText(item.State),
      startedAt: parseUnixSeconds(item.BackupStartTime, 'BackupStartTime', problems),
      endedAt: parseUnixSeconds(item.BackupEndTime, 'BackupEndTime', problems),
      sizeBytes: parseSize(item.BackupSize, 'BackupSize', MIB, problems),
      raw: redactItem(item),
    },
    problems,
  );
}

/**
 * Unix seconds (a number or numeric text) as epoch ms. Absent, null, '' and 0 are null without a
 * problem: UCloud reports 0 for a time that is not set yet (the end of a running backup). Anything
 * else that is not a plausible count of seconds is null and listed in `problems`.
 */
export function parseUnixSeconds(value: unknown, field: string, problems: string[]): number | null {
  if (value === undefined || value === null || value === '') return null;
  const seconds = numeric(value);
  if (seconds === undefined || seconds < 0) {
    problems.push(`${field}: ${quote(value)} is not a unix time in seconds`);
    return null;
  }
  if (seconds === 0) return null;
  if (seconds > MAX_UNIX_SECONDS) {
    problems.push(`${field}: ${quote(value)} is too large for unix seconds (milliseconds?)`);
    return null;
  }
  return Math.round(seconds * 1000);
}

/** A size in `unitBytes` units (a number or numeric text) as whole bytes; anything else is null and listed. */
export function parseSize(value: unknown, field: string, unitBytes: number, problems: string[]): number | null {
  if (value === undefined || value === null || value === '') return null;
  const units = numeric(value);
  const bytes = units === undefined || units < 0 ? undefined : Math.round(units * unitBytes);
  if (bytes === undefined || !Number.isSafeInteger(bytes)) {
    problems.push(`${field}: ${quote(value)} is not a size`);
    return null;
  }
  return bytes;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** The State word; a missing or non-text State is recorded as a problem and leaves the status unknown. */
function readState(value: unknown, problems: string[]): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  problems.push(value === undefined || value === null || value === '' ? 'State: missing' : `State: ${quote(value)} is not a word`);
  return undefined;
}

function upgsqlTrigger(value: unknown, problems: string[]): BackupTrigger {
  if (value === undefined || value === null || value === '') return 'unknown';
  const code = numeric(value);
  const trigger = code === undefined ? undefined : UPGSQL_TRIGGER[code];
  if (!trigger) problems.push(`BackupType: ${quote(value)} is neither 1 (automatic) nor 2 (manual)`);
  return trigger ?? 'unknown';
}

function mentionsIncremental(value: unknown): boolean {
  return typeof value === 'string' && /incr/i.test(value);
}

function lookup<T>(table: Readonly<Record<string, T>>, word: string): T | undefined {
  return Object.hasOwn(table, word) ? table[word] : undefined;
}

function withProblems(backup: NormalizedBackup, problems: readonly string[]): NormalizedBackup {
  return problems.length === 0 ? backup : { ...backup, problems };
}

function rawText(value: unknown): string {
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** A value for a problem text: JSON, cut short, so a huge or multi-line field cannot swamp the message. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * Query parameters that make a URL a credential. These list APIs carry no download links today
 * (GetUPgSQLBackupURL is a separate call), but a field added later must not leak a signed US3 link.
 */
const SIGNED_URL = /[?&](Signature|UCloudPublicKey|SecurityToken|X-Amz-Signature)=/i;

/** The item for `raw`, with any signed URL replaced wherever it sits. */
export function redactItem(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) out[key] = redactValue(value);
  return out;
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return SIGNED_URL.test(value) ? '[redacted signed URL]' : value;
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') return redactItem(value as Record<string, unknown>);
  return value;
}
