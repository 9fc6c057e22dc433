import type { BackupKind, BackupStatus, BackupTrigger, NormalizedBackup } from '../../domain/backup.js';
import type { AliyunBackupItem } from './schema.js';

/** Only the words Alibaba documents; anything else is `unknown` and never counts as completed. */
const STATUS: Readonly<Record<string, BackupStatus>> = { Success: 'completed', Failed: 'failed' };
const KIND: Readonly<Record<string, BackupKind>> = { FullBackup: 'full', IncrementalBackup: 'incremental' };
const TRIGGER: Readonly<Record<string, BackupTrigger>> = { Automated: 'automated', Manual: 'manual' };

/**
 * Converts one DescribeBackups item. Only `BackupId` has been checked (by the page schema): every
 * other field may be missing or of any type, and what cannot be read is kept as unknown/null.
 */
export function normalizeAliyunBackup(item: AliyunBackupItem): NormalizedBackup {
  const rawStatus = item.BackupStatus;
  const status = lookup(STATUS, rawStatus);
  const startedAt = parseAliyunTime(item.BackupStartTime);
  const endedAt = parseAliyunTime(item.BackupEndTime);
  const sizeBytes = parseBytes(item.BackupSize);
  // What could not be read is kept as unknown/null and said here, so the poll run counts it.
  const problems: string[] = [];
  if (status === undefined)
    problems.push(`BackupStatus: ${typeof rawStatus === 'string' ? `unknown word ${quote(rawStatus)}` : notWord(rawStatus)}`);
  if (startedAt === null && present(item.BackupStartTime)) problems.push(`BackupStartTime: ${quote(item.BackupStartTime)} is not a time`);
  if (endedAt === null && present(item.BackupEndTime)) problems.push(`BackupEndTime: ${quote(item.BackupEndTime)} is not a time`);
  if (sizeBytes === null && present(item.BackupSize)) problems.push(`BackupSize: ${quote(item.BackupSize)} is not a size in bytes`);
  // An unknown word in these is a kind/trigger of `unknown`, as before; a value that is no word at all is a problem.
  if (present(item.BackupType) && typeof item.BackupType !== 'string') problems.push(`BackupType: ${notWord(item.BackupType)}`);
  if (present(item.BackupMode) && typeof item.BackupMode !== 'string') problems.push(`BackupMode: ${notWord(item.BackupMode)}`);
  return {
    backupId: String(item.BackupId).trim(),
    name: null, // Alibaba backups have no name; the id is all there is
    kind: lookup(KIND, item.BackupType) ?? 'unknown',
    trigger: lookup(TRIGGER, item.BackupMode) ?? 'unknown',
    status: status ?? 'unknown',
    rawStatus: typeof rawStatus === 'string' ? rawStatus : rawStatus == null ? '' : (JSON.stringify(rawStatus) ?? String(rawStatus)),
    startedAt,
    endedAt,
    sizeBytes,
    raw: redactItem(item),
    ...(problems.length > 0 && { problems }),
  };
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

function lookup<T>(table: Readonly<Record<string, T>>, word: unknown): T | undefined {
  return typeof word === 'string' && Object.hasOwn(table, word) ? table[word] : undefined;
}

/** Why a field that should hold a word does not: it is absent, or of another type. */
const notWord = (value: unknown): string => (value == null ? 'missing' : `${quote(value)} is not a word`);

/** A value for a problem text: JSON, cut short, so a huge or multi-line field cannot swamp the message. */
function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** The digits at `from`..`from + n` of `s` as a number, or -1 when any is not a digit. */
function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const daysIn = (y: number, m: number): number =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;

/**
 * `2019-02-03T12:20:00Z`, or without seconds (`2019-02-03T12:20Z`, the format of the request
 * parameters, which some responses echo). Exact: anything else, including impossible dates such as
 * February 30th, is null rather than a guess. Read character by character: this runs twice per
 * listed backup, and a regex match would allocate an array and a string per field each time.
 */
export function parseAliyunTime(value: unknown): number | null {
  if (typeof value !== 'string' || (value.length !== 17 && value.length !== 20)) return null;
  const seconds = value.length === 20;
  // Separators at 4, 7, 10, 13 (and 16 with seconds), Z last.
  if (
    value[4] !== '-' ||
    value[7] !== '-' ||
    value[10] !== 'T' ||
    value[13] !== ':' ||
    value[value.length - 1] !== 'Z' ||
    (seconds && value[16] !== ':')
  )
    return null;
  const y = digits(value, 0, 4);
  const mo = digits(value, 5, 2);
  const d = digits(value, 8, 2);
  const h = digits(value, 11, 2);
  const mi = digits(value, 14, 2);
  const s = seconds ? digits(value, 17, 2) : 0;
  // Date.UTC reads years 0-99 as 1900-1999: such a year is unreadable here rather than moved.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** BackupSize is bytes, as a number or a numeric string; negative, fractional-string, other text or any other type is null. */
export function parseBytes(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/** Fields that carry pre-signed OSS links (anyone holding one can download the database). */
const DOWNLOAD_FIELD = /download(url|link)/i;
/** Query parameters that make a URL a credential, wherever it hides in an unknown field. */
const SIGNED_URL = /[?&](Signature|OSSAccessKeyId|x-oss-signature|x-oss-credential|security-token|SecurityToken)=/i;

/**
 * The item for `raw`, minus the signed download links. Known link fields are dropped; any other
 * string that looks like a signed URL (for example inside `BackupDownloadLinkByDB`, which newer API
 * versions add) is replaced, so a new field cannot leak one into the database.
 */
export function redactItem(item: AliyunBackupItem): Record<string, unknown> {
  return redactObject(item);
}

function redactObject(obj: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // Copy only when something must go: most items hold no link beyond the two known fields.
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const redacted = isDownloadField(key) ? REMOVE : redactValue(value);
    if (redacted === value && !out) continue;
    out ??= copyBefore(obj, key);
    if (redacted !== REMOVE) out[key] = redacted;
  }
  return out ?? (obj as Record<string, unknown>);
}

const REMOVE = Symbol('remove');

// Every item of a page repeats the same few keys: their verdict is looked up, not matched again.
// Bounded, so a hostile page of ever-new keys cannot grow it without end.
const downloadFieldVerdicts = new Map<string, boolean>();
function isDownloadField(key: string): boolean {
  let verdict = downloadFieldVerdicts.get(key);
  if (verdict === undefined) {
    verdict = DOWNLOAD_FIELD.test(key);
    if (downloadFieldVerdicts.size < 512) downloadFieldVerdicts.set(key, verdict);
  }
  return verdict;
}

/** A copy of `obj` holding the keys that come before `stop`, unchanged. */
function copyBefore(obj: Readonly<Record<string, unknown>>, stop: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    if (key === stop) break;
    out[key] = obj[key];
  }
  return out;
}

function redactValue(value: unknown): unknown {
  // A signed URL has a `name=` query parameter: most strings have no `=` and skip the pattern.
  if (typeof value === 'string') return value.includes('=') && SIGNED_URL.test(value) ? '[redacted signed URL]' : value;
  if (Array.isArray(value)) {
    const mapped = value.map(redactValue);
    return mapped.some((v, i) => v !== value[i]) ? mapped : value;
  }
  if (value !== null && typeof value === 'object') return redactObject(value as Record<string, unknown>);
  return value;
}
