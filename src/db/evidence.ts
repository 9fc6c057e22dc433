import { hash as oneShot } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { canonicalJson } from '../core/canonical.js';
import type { EvidenceKind } from '../domain/evidence.js';
import type { Db } from './client.js';
import { evidenceRecord, RECORD_SOURCES, type Row } from './evidence-records.js';
import { perConnection } from './statements.js';

/** The hash the genesis link follows. */
export const ZERO_HASH = '0'.repeat(64);

/** The chain's last link: what a report prints and `evidence verify --head` checks against. */
export interface EvidenceHead {
  readonly seq: number;
  readonly hash: string;
}

// The one-shot hash: for inputs this small it costs half of a createHash object's update and digest.
const sha256 = (text: string): string => oneShot('sha256', text, 'hex');

/**
 * The digest of one link: SHA-256 of the canonical encoding (src/core/canonical.ts) of the link's
 * kind, ref and instant and the record's evidential fields (src/db/evidence-records.ts).
 */
export function evidenceDigest(kind: EvidenceKind, ref: string, at: number, row: Row | readonly Row[] | undefined): string {
  return sha256(evidenceCanonical(kind, ref, at, row));
}

/** The exact text a link's digest is the SHA-256 of: what an evidence bundle's records.jsonl holds. */
export const evidenceCanonical = (kind: EvidenceKind, ref: string, at: number, row: Row | readonly Row[] | undefined): string =>
  canonicalJson({ at, kind, record: evidenceRecord(kind, row), ref });

/** A link's hash: SHA-256 of the previous link's hash followed by this link's digest (both hex). */
export const linkHash = (previous: string, digest: string): string => sha256(previous + digest);

/** A link's hash as SQL reads it out: its 32 bytes as 64 lowercase hex digits. */
export const HEX_HASH = 'lower(hex(hash)) AS hash';
/** A link's stored digest as 64 lowercase hex digits, or null where the record itself is kept. */
export const HEX_DIGEST = 'CASE WHEN digest IS NULL THEN NULL ELSE lower(hex(digest)) END AS digest';

/** A hash as the chain stores it. */
export const hashBytes = (hex: string): Buffer => Buffer.from(hex, 'hex');

interface Statements {
  readonly head: Statement;
  readonly insert: Statement;
}

// Per connection: prepared once. The head is read again in every transaction that appends (a primary
// key lookup of the last row), so another process or connection appending in between is followed.
const statements = perConnection(
  (c): Statements => ({
    head: c.prepare(`SELECT seq, ${HEX_HASH} FROM evidence_chain ORDER BY seq DESC LIMIT 1`).raw(true),
    insert: c.prepare(`INSERT INTO evidence_chain (seq, kind, ref, at, hash) VALUES (?, ?, ?, ?, ?)`),
  }),
);

/** The chain's last link, or null while the chain is empty. */
export function evidenceHead(db: Db): EvidenceHead | null {
  if (!hasChain(db)) return null;
  const r = statements(db).head.get() as [number, string] | undefined;
  return r ? { seq: r[0], hash: r[1] } : null;
}

/** Whether the database has the chain table (a read-only command may open one not yet migrated). */
export const hasChain = (db: Db): boolean =>
  db.$client.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_chain'`).get() !== undefined;

/**
 * What predates the chain, written into the genesis link's ref: each evidence table's highest rowid
 * when the chain began. Rows up to it were written before there was a chain to append them to.
 */
function predates(db: Db): string {
  const out: Record<string, number> = {};
  for (const source of Object.values(RECORD_SOURCES)) {
    out[source.table] ??= db.$client.prepare(`SELECT coalesce(max(rowid), 0) FROM ${source.table}`).pluck().get() as number;
  }
  return canonicalJson(out);
}

/**
 * Appends one evidence record to the chain and returns the new head. Must run inside the write
 * transaction that wrote the record, so the record and its link are committed together or not at
 * all; SQLite serializes writers, so two processes never append after the same head. `row` is the
 * record as its table holds it (columns by SQL name), `ref` its id there; for a range kind `row` is
 * the rows with ids `first..last` and `ref` is `first-last`. The first append to an empty
 * chain first writes the genesis link.
 */
export function appendEvidence(db: Db, kind: EvidenceKind, record: { ref: string; at: number; row?: Row | readonly Row[] }): EvidenceHead {
  if (!db.$client.inTransaction) throw new Error(`appendEvidence(${kind}): must run in the transaction that writes the record`);
  const s = statements(db);
  let head = s.head.get() as [number, string] | undefined;
  if (!head) {
    const ref = predates(db);
    const digest = evidenceDigest('genesis', ref, record.at, undefined);
    const hash = linkHash(ZERO_HASH, digest);
    s.insert.run(1, 'genesis', ref, record.at, hashBytes(hash));
    head = [1, hash];
  }
  const digest = evidenceDigest(kind, record.ref, record.at, record.row);
  const hash = linkHash(head[1], digest);
  const seq = head[0] + 1;
  s.insert.run(seq, kind, record.ref, record.at, hashBytes(hash));
  return { seq, hash };
}

// The last config hash chained, kept in meta so that opening the database does not search the chain for it.
const CONFIG_KEY = 'evidence-config';

/**
 * Chains a config snapshot's hash (src/config/snapshot.ts) when it differs from the last one chained:
 * what the daemon and every command that writes do when they open the database. Returns whether it
 * appended.
 */
export function chainConfig(db: Db, configHash: string, now: number): boolean {
  return db.$client
    .transaction(() => {
      const c = db.$client;
      if (c.prepare(`SELECT value FROM meta WHERE key = ?`).pluck().get(CONFIG_KEY) === configHash) return false;
      appendEvidence(db, 'config', { ref: configHash, at: now });
      c.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(
        CONFIG_KEY,
        configHash,
      );
      return true;
    })
    .immediate();
}
