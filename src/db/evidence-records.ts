import type { CanonicalValue } from '../core/canonical.js';
import type { EvidenceKind } from '../domain/evidence.js';

/** A row as SQLite returns it, columns by their SQL names. */
export type Row = Readonly<Record<string, unknown>>;

/** How one kind of evidence record is read back: its table, and which of its columns are evidence. */
export interface RecordSource {
  readonly table: string;
  /** The columns chained, in the record under their SQL names (values as SQLite returns them). */
  readonly columns: readonly string[];
  /**
   * The link covers the rows with ids `first..last` (its ref is `first-last`), written together in one
   * transaction, rather than one row (its ref the row's id).
   */
  readonly range?: true;
  /** Rows of the table that must be in the chain when written after the genesis (SQL condition). */
  readonly chained?: string;
  /** Column values derived rather than read as they are (e.g. a silence's planned end). */
  readonly derive?: (row: Row) => Row;
}

/**
 * The evidence records, by kind. `genesis` and `config` have no table: their record is the chain
 * link itself (kind, ref, at). A record holds the columns that prove what happened; columns that
 * change later for bookkeeping (a notification's attempts, a finding's current state) are not in it.
 * The backup events of one poll are one link (`backup-events`): a poll's first listing sights
 * hundreds of backups, and one link for them keeps ingest within its performance figure.
 */
const SOURCES: Partial<Record<EvidenceKind, RecordSource>> = {
  poll: {
    table: 'poll_runs',
    columns: [
      'id',
      'target_id',
      'slot',
      'started_at',
      'finished_at',
      'outcome',
      'error_kind',
      'error_code',
      'pages',
      'items',
      'content_hash',
    ],
    // Failed polls, and successful ones written before runs were kept (src/db/poll-runs.ts).
    chained: 'polls IS NULL',
  },
  // A run of identical successful polls, chained once when it is sealed (src/db/poll-runs.ts).
  'poll-run': {
    table: 'poll_runs',
    columns: [
      'id',
      'target_id',
      'slot',
      'last_slot',
      'started_at',
      'finished_at',
      'last_finished_at',
      'polls',
      'max_gap_ms',
      'outcome',
      'pages',
      'items',
      'problem_items',
      'content_hash',
    ],
    chained: 'polls IS NOT NULL AND open = 0',
  },
  // The page bodies a poll received, by hash (src/db/poll-pages.ts): one link per poll, after the poll's.
  'poll-pages': { table: 'poll_pages', columns: ['id', 'poll_id', 'page', 'hash', 'request_id'], range: true },
  'backup-events': {
    table: 'backup_events',
    columns: ['id', 'target_id', 'backup_id', 'poll_id', 'at', 'from_status', 'to_status', 'raw_status'],
    range: true,
  },
  'finding-event': { table: 'finding_events', columns: ['id', 'target_id', 'rule_id', 'from_state', 'to_state', 'at', 'reason'] },
  notification: {
    table: 'notifications',
    columns: ['id', 'channel', 'kind', 'finding_event_id', 'target_id', 'rule_id', 'payload', 'created_at', 'sent_at'],
    chained: `status = 'sent'`,
  },
  'silence-added': {
    table: 'silences',
    columns: ['id', 'matchers', 'starts_at', 'ends_at', 'reason', 'author', 'created_at'],
    // `silence expire` moves ends_at; the end the silence was added with stays in planned_ends_at.
    derive: (r) => ({ ...r, ends_at: r.planned_ends_at ?? r.ends_at }),
  },
  'silence-expired': { table: 'silences', columns: ['id', 'expired_at'], chained: 'expired_at IS NOT NULL' },
  drill: {
    table: 'drills',
    columns: ['id', 'target_id', 'backup_id', 'result', 'at', 'duration_ms', 'note', 'evidence_url', 'recorded_at', 'source'],
  },
};

/** The record sources, each with its columns also in the order the canonical encoding sorts them. */
export const RECORD_SOURCES: Partial<Record<EvidenceKind, RecordSource & { readonly sorted: readonly string[] }>> = Object.fromEntries(
  Object.entries(SOURCES).map(([kind, s]) => [kind, { ...s, sorted: [...s.columns].sort() }]),
);

/** The ids a range link's ref `first-last` covers, or null when the ref is not one. */
export function refRange(ref: string): { first: number; last: number } | null {
  const m = /^(\d+)-(\d+)$/.exec(ref);
  return m ? { first: Number(m[1]), last: Number(m[2]) } : null;
}

/**
 * A column's value as a record holds it: a hash stored as its bytes is written as the 64 lowercase hex
 * digits it was chained as before hashes were stored as bytes, so those links still verify.
 */
export const recordValue = (v: unknown): CanonicalValue =>
  v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.length).toString('hex') : ((v ?? null) as CanonicalValue);

/**
 * The evidential fields of `row` as a record of `kind` (null for the kinds without a table). A range
 * kind's record is `{ columns, rows }`: its rows in id order, each as the list of its column values.
 */
export function evidenceRecord(kind: EvidenceKind, row: Row | readonly Row[] | undefined): CanonicalValue {
  const source = RECORD_SOURCES[kind];
  if (!source || !row) return null;
  if (source.range) {
    const rows = row as readonly Row[];
    return { columns: source.columns, rows: rows.map((r) => source.columns.map((c) => recordValue(r[c]))) };
  }
  const r = source.derive ? source.derive(row as Row) : (row as Row);
  const out: Record<string, CanonicalValue> = {};
  for (const c of source.sorted) out[c] = recordValue(r[c]);
  return out;
}
