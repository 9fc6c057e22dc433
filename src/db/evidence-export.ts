import { hash as oneShot } from 'node:crypto';
import type { EvidenceKind } from '../domain/evidence.js';
import type { Db } from './client.js';
import { evidenceCanonical, HEX_DIGEST, HEX_HASH, hasChain, ZERO_HASH } from './evidence.js';
import { type Row, recordValue } from './evidence-records.js';
import { recordLookup } from './evidence-verify.js';
import { blobBody } from './page-blobs.js';
import { LAST_SIGHTING } from './poll-runs.js';

/** A link of the evidence chain as a bundle carries it, with the exact text its digest is the SHA-256 of. */
export interface BundleLink {
  readonly seq: number;
  readonly kind: EvidenceKind;
  readonly ref: string;
  readonly at: number;
  /** The SHA-256 of `canonical`; null only when the record is gone and the link kept no digest of it. */
  readonly digest: string | null;
  readonly hash: string;
  /** Retention pruned the record: the link kept its digest, and a later `retention` link counts it. */
  readonly pruned?: true;
  /** The canonical encoding of the link's record (null when the record is gone from its table). */
  readonly canonical: string | null;
}

/** The part of the chain a bundle carries: from the first link dated in the range to the head. */
export interface ChainSegment {
  /** The hash the segment's first link follows (the zero hash when it is the genesis). */
  readonly previousHash: string;
  readonly links: readonly BundleLink[];
}

/** What an export covers: `[from, to)` in epoch milliseconds, and the targets (all when empty). */
export interface ExportRange {
  readonly from: number;
  readonly to: number;
  readonly targets: readonly string[];
}

/**
 * The chain from the first link whose instant is in `[from, to)` through the head, each link with
 * its record's canonical encoding: every link after the first can be recomputed from the bundle, the
 * first from `previousHash`, and the head compared with one published later. A chain link cannot be
 * skipped, so the segment holds every target's links; the range only picks where it starts. With
 * no link in the range the segment is the head alone.
 */
export function chainSegment(db: Db, from: number, to: number): ChainSegment {
  if (!hasChain(db)) return { previousHash: ZERO_HASH, links: [] };
  const c = db.$client;
  const inRange = c.prepare(`SELECT min(seq) FROM evidence_chain WHERE at >= ? AND at < ?`).pluck().get(from, to) as number | null;
  const first = inRange ?? (c.prepare(`SELECT max(seq) FROM evidence_chain`).pluck().get() as number | null);
  if (first === null) return { previousHash: ZERO_HASH, links: [] };
  const previous = c
    .prepare(`SELECT ${HEX_HASH} FROM evidence_chain WHERE seq = ?`)
    .pluck()
    .get(first - 1) as string | undefined;
  const lookup = recordLookup(db);
  const links = (
    c.prepare(`SELECT seq, kind, ref, at, ${HEX_DIGEST}, ${HEX_HASH} FROM evidence_chain WHERE seq >= ? ORDER BY seq`).all(first) as Omit<
      BundleLink,
      'canonical'
    >[]
  ).map((l) => {
    const found = lookup(l.kind, l.ref);
    const canonical = found.missing === null ? evidenceCanonical(l.kind, l.ref, l.at, found.row) : null;
    // The link keeps a digest only for a pruned record: the bundle's is the SHA-256 of the canonical text it carries.
    if (canonical === null) return { ...l, ...(l.digest !== null && { pruned: true as const }), canonical };
    return { ...l, digest: oneShot('sha256', canonical, 'hex'), canonical };
  });
  return { previousHash: previous ?? ZERO_HASH, links };
}

const IN_RANGE = 'started_at < @to AND coalesce(last_finished_at, finished_at) >= @from';

/**
 * The bodies of the pages in `rows` (poll-pages.jsonl), by hash, as kept; a body that cannot be read
 * back is named in `problems` rather than left out silently.
 */
export function exportPageBodies(db: Db, rows: readonly Row[]): { bodies: Map<string, string>; problems: string[] } {
  const bodies = new Map<string, string>();
  const problems: string[] = [];
  for (const hash of new Set(rows.map((r) => r.hash as string))) {
    const found = blobBody(db, hash);
    if ('text' in found) bodies.set(hash, found.text);
    else problems.push(`page body ${hash} ${found.problem}`);
  }
  return { bodies, problems };
}

/** A row with its hashes (stored as bytes) as the 64 hex digits a bundle and an auditor read. */
function hexHashes(row: Row): Row {
  if (!Object.values(row).some((v) => v instanceof Uint8Array)) return row;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, recordValue(v)]));
}

/** The evidence tables' rows of a range, by the file name a bundle gives them (columns by SQL name). */
export function exportRows(db: Db, range: ExportRange): Record<string, Row[]> {
  const c = db.$client;
  const targets = range.targets.length > 0 ? JSON.stringify(range.targets) : null;
  // @targets: the targets as a JSON array, or null for all of them.
  const of = (column: string) => `(@targets IS NULL OR ${column} IN (SELECT value FROM json_each(@targets)))`;
  const all = (sql: string): Row[] => (c.prepare(sql).all({ from: range.from, to: range.to, targets }) as Row[]).map(hexHashes);
  return {
    // A run of identical polls is in the range when any of its polls is.
    'polls.jsonl': all(`SELECT * FROM poll_runs WHERE ${IN_RANGE} AND ${of('target_id')} ORDER BY id`),
    'poll-pages.jsonl': all(
      `SELECT p.* FROM poll_pages p JOIN poll_runs r ON r.id = p.poll_id WHERE ${IN_RANGE} AND ${of('r.target_id')} ORDER BY p.id`,
    ),
    // last_seen_at as the last sighting, a run's polls included.
    'backups.jsonl': all(
      `SELECT target_id, backup_id, name, kind, "trigger", status, raw_status, started_at, ended_at, size_bytes, raw, first_seen_at,
         first_seen_poll, ${LAST_SIGHTING} AS last_seen_at, last_seen_poll
       FROM backups WHERE first_seen_at < @to AND (last_seen_at >= @from OR ${LAST_SIGHTING} >= @from) AND ${of('target_id')}
       ORDER BY target_id, backup_id`,
    ),
    'backup-events.jsonl': all(`SELECT * FROM backup_events WHERE at >= @from AND at < @to AND ${of('target_id')} ORDER BY id`),
    'findings.jsonl': all(`SELECT * FROM findings WHERE ${of('target_id')} ORDER BY target_id, rule_id`),
    'finding-events.jsonl': all(`SELECT * FROM finding_events WHERE at >= @from AND at < @to AND ${of('target_id')} ORDER BY id`),
    'notifications.jsonl': all(
      `SELECT id, channel, kind, finding_event_id, target_id, rule_id, payload, status, attempts, created_at, sent_at
       FROM notifications WHERE created_at >= @from AND created_at < @to AND ${of('target_id')} ORDER BY id`,
    ),
    'silences.jsonl': all(`SELECT * FROM silences WHERE starts_at < @to AND ends_at >= @from ORDER BY id`),
    'drills.jsonl': all(`SELECT * FROM drills WHERE at >= @from AND at < @to AND ${of('target_id')} ORDER BY at, id`),
  };
}
