import type { Statement } from 'better-sqlite3';
import type { EvidenceBreak, EvidenceKind } from '../domain/evidence.js';
import type { Db } from './client.js';
import { type EvidenceHead, evidenceDigest, HEX_DIGEST, HEX_HASH, hasChain, linkHash, ZERO_HASH } from './evidence.js';
import { PrunedLinks } from './evidence-pruned.js';
import { RECORD_SOURCES, type Row, refRange } from './evidence-records.js';

/** One break `evidence verify` found. `seq` is the link's place in the chain (null for a row not in it). */
export interface EvidenceProblem {
  readonly break: EvidenceBreak;
  readonly seq: number | null;
  readonly kind: EvidenceKind | null;
  readonly ref: string | null;
  readonly message: string;
}

/** What `evidence verify` found: `problems` in chain order, the first broken link first. */
export interface EvidenceVerdict {
  readonly ok: boolean;
  readonly head: EvidenceHead | null;
  /** Links checked. */
  readonly links: number;
  /** When the chain began: rows written before it predate it and are not covered. */
  readonly genesisAt: number | null;
  readonly problems: readonly EvidenceProblem[];
  /**
   * Runs of identical polls still open (src/db/poll-runs.ts): recorded, not chained yet. Not a break;
   * each is sealed by the target's next poll that differs, within a day, or before a report or export.
   */
  readonly openRuns: number;
}

interface Link {
  seq: number;
  kind: EvidenceKind;
  ref: string;
  at: number;
  /** Stored only for a link whose record retention pruned, or chained before digests were left to the records. */
  digest: string | null;
  hash: string;
}

/** Problems kept beyond the first: enough to see the extent of a tampering, not a flood. */
const MAX_PROBLEMS = 50;
const PAGE = 5000;

/**
 * Recomputes the evidence chain from the records and names every break found (up to 50): each link's
 * hash must follow the previous one (else a link was `inserted`, or `reordered` when it follows
 * another link), each chained record must still exist (`deleted`) with the digest it was chained
 * with (`edited`), every evidence row written since the genesis must be in the chain (`inserted`),
 * and with `head` the chain must still hold that published hash (`truncated` otherwise).
 */
export function verifyEvidence(db: Db, opts: { head?: string } = {}): EvidenceVerdict {
  const problems: EvidenceProblem[] = [];
  const add = (p: EvidenceProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  if (!hasChain(db)) {
    if (opts.head !== undefined) add(truncated(opts.head));
    return { ok: problems.length === 0, head: null, links: 0, genesisAt: null, problems, openRuns: 0 };
  }
  const c = db.$client;
  const page = c.prepare(
    `SELECT seq, kind, ref, at, ${HEX_DIGEST}, ${HEX_HASH} FROM evidence_chain WHERE seq > ? ORDER BY seq LIMIT ${PAGE}`,
  );
  const lookup = recordLookup(db);
  const chained = new Map<EvidenceKind, Set<string>>();
  let previous: Link | null = null;
  let links = 0;
  let genesis: Link | null = null;
  let headSeen = opts.head === undefined;
  const pruned = new PrunedLinks();
  for (let batch = page.all(0) as Link[]; batch.length > 0; batch = page.all((previous as Link | null)?.seq ?? 0) as Link[]) {
    for (const link of batch) {
      links++;
      if (link.hash === opts.head) headSeen = true;
      const at = { seq: link.seq, kind: link.kind, ref: link.ref };
      if (link.kind === 'genesis') {
        if (link.seq !== 1) add({ break: 'inserted', ...at, message: `link ${link.seq} is a second genesis: the chain was restarted` });
        genesis ??= link;
      } else if (previous === null) add({ break: 'deleted', ...at, message: `the chain starts at link ${link.seq}, not at its genesis` });
      const source = RECORD_SOURCES[link.kind];
      const found = source ? lookup(link.kind, link.ref) : { row: undefined, missing: null };
      const recomputed = found.missing === null ? evidenceDigest(link.kind, link.ref, link.at, found.row) : null;
      if (previous !== null && link.seq !== previous.seq + 1) {
        add({ break: 'deleted', ...at, message: `links ${previous.seq + 1}..${link.seq - 1} are gone from the chain` });
      }
      if (link.kind === 'retention') for (const p of pruned.settle(link.ref, link.seq)) add(p);
      if (found.missing !== null && link.digest !== null) pruned.add({ ...link, table: source?.table ?? '' });
      else if (found.missing !== null) {
        add({ break: 'deleted', ...at, message: `${link.kind} ${found.missing} (link ${link.seq}) is gone from ${source?.table}` });
      } else if (link.digest !== null && recomputed !== link.digest) {
        add(edited(link));
      }
      const digest = link.digest ?? recomputed;
      const follows = previous === null || link.seq === previous.seq + 1;
      if (follows && digest !== null && link.hash !== linkHash(previous?.hash ?? ZERO_HASH, digest)) {
        // A record's digest is not stored: a link that no longer hashes over its record was edited
        // there, unless the link itself was moved or forged (a kind without a table has no record).
        add(unfollowed(db, link, digest, previous, source !== undefined && link.digest === null));
      }
      const refs = chained.get(link.kind) ?? new Set<string>();
      chained.set(link.kind, refs.add(link.ref));
      previous = link;
    }
  }
  for (const p of pruned.rest()) add(p);
  for (const p of unchainedRows(db, genesis, chained)) add(p);
  if (!headSeen && opts.head !== undefined) problems.unshift(truncated(opts.head));
  const last = previous as Link | null;
  return {
    ok: problems.length === 0,
    head: last ? { seq: last.seq, hash: last.hash } : null,
    links,
    genesisAt: genesis?.at ?? null,
    problems,
    openRuns: openRuns(db),
  };
}

/** Reads a link's record: `missing` names the row (or the first of a range's rows) that is gone. */
export function recordLookup(db: Db) {
  const statements = new Map<string, Statement>();
  const prepared = (key: string, sql: string): Statement => {
    const found = statements.get(key);
    if (found) return found;
    const stmt = db.$client.prepare(sql);
    statements.set(key, stmt);
    return stmt;
  };
  return (kind: EvidenceKind, ref: string): { row: Row | Row[] | undefined; missing: string | null } => {
    const source = RECORD_SOURCES[kind];
    if (!source) return { row: undefined, missing: null };
    if (source.range) {
      const range = refRange(ref);
      if (!range) return { row: undefined, missing: ref };
      const rows = prepared(kind, `SELECT * FROM ${source.table} WHERE id BETWEEN ? AND ? ORDER BY id`).all(
        range.first,
        range.last,
      ) as Row[];
      const gone = rows.findIndex((r, i) => r.id !== range.first + i);
      if (gone !== -1 || rows.length < range.last - range.first + 1)
        return { row: rows, missing: String(range.first + (gone === -1 ? rows.length : gone)) };
      return { row: rows, missing: null };
    }
    const row = prepared(kind, `SELECT * FROM ${source.table} WHERE id = ?`).get(source.table === 'drills' ? ref : Number(ref)) as
      | Row
      | undefined;
    return { row, missing: row ? null : ref };
  };
}

const truncated = (head: string): EvidenceProblem => ({
  break: 'truncated',
  seq: null,
  kind: null,
  ref: null,
  message: `the chain does not hold the published head ${head}: it was truncated or rewritten since`,
});

const edited = (link: Link): EvidenceProblem => ({
  break: 'edited',
  seq: link.seq,
  kind: link.kind,
  ref: link.ref,
  message: `${link.kind} ${link.ref} (link ${link.seq}) was edited since it was chained`,
});

/**
 * A link whose hash does not follow its predecessor's over `digest`: `reordered` when it follows
 * another link's, else `edited` when its record could have been (`recordEdited`), else `inserted`.
 */
function unfollowed(db: Db, link: Link, digest: string, previous: Link | null, recordEdited: boolean): EvidenceProblem {
  const at = { seq: link.seq, kind: link.kind, ref: link.ref };
  const hashes = db.$client.prepare(`SELECT seq, ${HEX_HASH} FROM evidence_chain WHERE seq <> ?`).raw(true).iterate(link.seq) as Iterable<
    [number, string]
  >;
  for (const [seq, hash] of [ZERO_HASH].map((h) => [0, h] as [number, string]).concat([...hashes])) {
    if (seq !== (previous?.seq ?? 0) && linkHash(hash, digest) === link.hash) {
      return { break: 'reordered', ...at, message: `link ${link.seq} (${link.kind} ${link.ref}) was chained after link ${seq}, not here` };
    }
  }
  if (recordEdited) return edited(link);
  const after = previous ? `link ${previous.seq}` : 'the start';
  return { break: 'inserted', ...at, message: `link ${link.seq} (${link.kind} ${link.ref}) does not follow ${after}: it was inserted` };
}

/** The ids range links cover, as strings. */
function coveredIds(refs: ReadonlySet<string> | undefined): Set<string> {
  const out = new Set<string>();
  for (const ref of refs ?? []) {
    const range = refRange(ref);
    for (let id = range?.first ?? 1; range && id <= range.last; id++) out.add(String(id));
  }
  return out;
}

/** Evidence rows written since the genesis that are not in the chain: inserted behind its back. */
function unchainedRows(db: Db, genesis: Link | null, chained: ReadonlyMap<EvidenceKind, ReadonlySet<string>>): EvidenceProblem[] {
  if (!genesis) return [];
  let predates: Record<string, number>;
  try {
    predates = JSON.parse(genesis.ref) as Record<string, number>;
  } catch {
    return [];
  }
  const out: EvidenceProblem[] = [];
  for (const [kind, source] of Object.entries(RECORD_SOURCES) as [EvidenceKind, NonNullable<(typeof RECORD_SOURCES)[EvidenceKind]>][]) {
    const where = source.chained ? ` AND ${source.chained}` : '';
    const ids = db.$client
      .prepare(`SELECT id FROM ${source.table} WHERE rowid > ?${where} ORDER BY rowid`)
      .pluck()
      .all(predates[source.table] ?? 0) as (string | number)[];
    const refs = chained.get(kind);
    const covered = source.range ? coveredIds(refs) : refs;
    for (const id of ids) {
      if (covered?.has(String(id))) continue;
      const message = `${kind} ${id} in ${source.table} is not in the chain: it was inserted behind it`;
      out.push({ break: 'inserted', seq: null, kind, ref: String(id), message });
      if (out.length >= MAX_PROBLEMS) return out;
    }
  }
  return out;
}

const openRuns = (db: Db): number =>
  db.$client.prepare(`SELECT 1 FROM pragma_table_info('poll_runs') WHERE name = 'open'`).get() === undefined
    ? 0
    : (db.$client.prepare(`SELECT count(*) FROM poll_runs WHERE open = 1`).pluck().get() as number);
