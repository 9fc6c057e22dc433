import { hash as oneShot } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { PageBodies } from '../domain/poll.js';
import type { Db } from './client.js';
import { appendEvidence, evidenceDigest, HEX_DIGEST, HEX_HASH, hashBytes, linkHash, ZERO_HASH } from './evidence.js';
import { blobBody, storeBlob } from './page-blobs.js';
import { perConnection } from './statements.js';

/** SHA-256 (hex) of a body's text as UTF-8: a blob's key, and what a poll's page rows record. */
export const bodyHash = (body: string): string => oneShot('sha256', body, 'hex');

// The first `"RequestId":"..."` of a body (Alibaba's, different in every answer).
const REQUEST_ID = /"RequestId":"([^"\\]*)"/;

/**
 * A body split into what its blob holds (the RequestId emptied, so two answers listing the same
 * thing share a blob) and the RequestId; `joinRequestId` puts it back exactly.
 */
export function splitRequestId(body: string): { kept: string; requestId: string | null } {
  const m = REQUEST_ID.exec(body);
  if (!m || m[1] === '') return { kept: body, requestId: null };
  return { kept: `${body.slice(0, m.index)}"RequestId":""${body.slice(m.index + m[0].length)}`, requestId: m[1] ?? null };
}

/** The body as received from what its blob holds and its RequestId (the first `"RequestId":""` refilled). */
export const joinRequestId = (kept: string, requestId: string | null): string =>
  requestId === null ? kept : kept.replace('"RequestId":""', () => `"RequestId":"${requestId}"`);

interface Statements {
  readonly previousPage: Statement;
  readonly insertPage: Statement;
  readonly notKept: Statement;
}

const statements = perConnection(
  (c): Statements => ({
    // The same page of the target's latest earlier poll that kept one: the base its delta is taken against.
    previousPage: c
      .prepare(
        `SELECT lower(hex(p.hash)) FROM poll_runs r JOIN poll_pages p ON p.poll_id = r.id AND p.page = @page
           WHERE r.target_id = (SELECT target_id FROM poll_runs WHERE id = @poll) AND r.id < @poll ORDER BY r.id DESC LIMIT 1`,
      )
      .pluck(),
    insertPage: c.prepare(`INSERT INTO poll_pages (poll_id, page, hash, request_id) VALUES (?, ?, ?, ?)`),
    notKept: c.prepare(`UPDATE poll_runs SET pages_not_kept = ? WHERE id = ?`),
  }),
);

/**
 * Keeps the page bodies of poll `pollId`: a blob for each body not stored before (gzip, under its
 * SHA-256), a poll_pages row per page, and one `poll-pages` link chaining those rows. Must run in
 * the transaction that writes the poll, after the poll's own link.
 */
export function keepPages(db: Db, pollId: number, pages: PageBodies, at: number): void {
  const s = statements(db);
  if (pages.omitted > 0) s.notKept.run(pages.omitted, pollId);
  const rows: PageRow[] = [];
  pages.bodies.forEach((body, i) => {
    const { kept, requestId } = splitRequestId(body);
    const hash = bodyHash(kept);
    storeBlob(db, hash, kept, (s.previousPage.get({ poll: pollId, page: i + 1 }) as string | undefined) ?? null);
    const id = Number(s.insertPage.run(pollId, i + 1, hashBytes(hash), requestId).lastInsertRowid);
    rows.push({ id, poll_id: pollId, page: i + 1, hash, request_id: requestId });
  });
  const first = rows[0];
  if (first) appendEvidence(db, 'poll-pages', { ref: `${first.id}-${rows.at(-1)?.id}`, at, row: rows });
}

type PageRow = { id: number; poll_id: number; page: number; hash: string; request_id: string | null };

/** One stored page of a poll, with its body as received (null when its blob is gone). */
export interface StoredPage {
  readonly page: number;
  readonly hash: string;
  readonly body: string | null;
}

/** What `history --poll` shows and proves: the poll, its pages in order, and every mismatch found. */
export interface PollPages {
  readonly poll: { id: number; targetId: string; finishedAt: number; outcome: string; pages: number; items: number; notKept: number };
  readonly pages: readonly StoredPage[];
  /** The chain links that cover the poll and its pages, when found. */
  readonly links: { poll: number | null; pages: number | null };
  /** Empty when every body hashes to its recorded hash and both links verify. */
  readonly mismatches: readonly string[];
}

/** The highest poll id written before the chain began (the genesis link's ref), 0 without a genesis. */
function predatesChain(db: Db): number {
  const ref = db.$client.prepare(`SELECT ref FROM evidence_chain WHERE seq = 1 AND kind = 'genesis'`).pluck().get() as string | undefined;
  try {
    return ref ? Number((JSON.parse(ref) as Record<string, unknown>).poll_runs ?? 0) : 0;
  } catch {
    return 0;
  }
}

interface LinkRow {
  seq: number;
  at: number;
  digest: string | null;
  hash: string;
}

/** Reads poll `pollId` of `targetId` with its page bodies and verifies them; null when there is no such poll. */
export function pollPages(db: Db, targetId: string, pollId: number): PollPages | null {
  const c = db.$client;
  const run = c.prepare(`SELECT * FROM poll_runs WHERE id = ? AND target_id = ?`).get(pollId, targetId) as
    | Record<string, unknown>
    | undefined;
  if (!run) return null;
  const mismatches: string[] = [];
  const rows = c
    .prepare(`SELECT id, poll_id, page, lower(hex(hash)) AS hash, request_id FROM poll_pages WHERE poll_id = ? ORDER BY page`)
    .all(pollId) as PageRow[];
  const pages = rows.map((r): StoredPage => {
    const found = blobBody(db, r.hash);
    if ('problem' in found) {
      mismatches.push(`page ${r.page}: its body (sha256 ${r.hash}) ${found.problem}`);
      return { page: r.page, hash: r.hash, body: null };
    }
    const kept = found.text;
    const actual = bodyHash(kept);
    if (actual !== r.hash) mismatches.push(`page ${r.page}: the stored body hashes to ${actual}, not to the recorded ${r.hash}`);
    return { page: r.page, hash: r.hash, body: joinRequestId(kept, r.request_id) };
  });
  const hasChain = c.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_chain'`).get() !== undefined;
  const check = (kind: 'poll' | 'poll-run' | 'poll-pages', ref: string, row: unknown): number | null => {
    if (!hasChain) return null;
    const link = c.prepare(`SELECT seq, at, ${HEX_DIGEST}, ${HEX_HASH} FROM evidence_chain WHERE kind = ? AND ref = ?`).get(kind, ref) as
      | LinkRow
      | undefined;
    if (!link) {
      if (kind === 'poll-pages' || pollId > predatesChain(db)) mismatches.push(`${kind} ${ref} is not in the evidence chain`);
      return null;
    }
    const previous = c
      .prepare(`SELECT ${HEX_HASH} FROM evidence_chain WHERE seq = ?`)
      .pluck()
      .get(link.seq - 1) as string | undefined;
    const digest = evidenceDigest(kind, ref, link.at, row as never);
    // The digest is stored only where retention pruned the record; otherwise the link's hash is the proof.
    if ((link.digest ?? digest) !== digest || linkHash(previous ?? ZERO_HASH, digest) !== link.hash)
      mismatches.push(`${kind} ${ref}: the stored rows differ from what link ${link.seq} chained, or the link was moved`);
    return link.seq;
  };
  // An open run of identical polls is chained when it is sealed (src/db/poll-runs.ts).
  const pollLink = run.open ? null : check(run.polls === null ? 'poll' : 'poll-run', String(pollId), run);
  const first = rows[0];
  const pagesLink = first ? check('poll-pages', `${first.id}-${rows.at(-1)?.id}`, rows) : null;
  return {
    poll: {
      id: pollId,
      targetId,
      finishedAt: run.finished_at as number,
      outcome: run.outcome as string,
      pages: run.pages as number,
      items: run.items as number,
      notKept: (run.pages_not_kept as number | undefined) ?? 0,
    },
    pages,
    links: { poll: pollLink, pages: pagesLink },
    mismatches,
  };
}
