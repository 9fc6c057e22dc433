import type { Statement } from 'better-sqlite3';
import type { Db } from './client.js';
import { appendEvidence } from './evidence.js';
import type { Row } from './evidence-records.js';
import { bodyHash, splitRequestId } from './poll-pages.js';
import { perConnection } from './statements.js';

/**
 * Runs of identical successful polls. A target polled every 30 minutes whose backups did not change
 * would otherwise write 48 rows and 96 chain links a day that all say "nothing changed"; instead the
 * first such poll opens a run (a poll_runs row with `open = 1`) and each identical one after it only
 * moves the run's end, counts it and keeps the longest gap between two of them, which is what proves
 * the target was watched without interruption. A run is chained once, as one `poll-run` link, when it
 * is sealed: by the next poll that differs (or fails), when it has been open for SEAL_AFTER_MS, or by
 * `sealOpenRuns` before a report or an export reads the chain's head.
 */

/** How long a run stays open at most: the evidence of watching is never more than a day from its link. */
export const SEAL_AFTER_MS = 24 * 3_600_000;

/**
 * SQL for when a backups row was last listed: its `last_seen_at`, or the end of the run it names when
 * later, as the polls that join a run (pages kept) leave the rows they saw unchanged.
 */
export const LAST_SIGHTING =
  'max(last_seen_at, coalesce((SELECT r.last_finished_at FROM poll_runs r WHERE r.id = backups.last_seen_poll), 0))';

/** The newest run of a target, as `offerToRun` decides on it. */
interface LatestRun {
  readonly id: number;
  readonly slot: string | null;
  readonly lastSlot: string | null;
  readonly finishedAt: number;
  readonly lastFinishedAt: number;
  readonly contentHash: string | null;
  readonly pages: number;
  readonly problemItems: number;
  readonly open: boolean;
}

/** What a new successful poll would record, compared with the open run. */
export interface RunCandidate {
  readonly slot: string | null;
  readonly finishedAt: number;
  readonly contentHash: string;
  readonly pages: number;
  readonly problemItems: number;
  /**
   * The page bodies received when kept (a run holds polls whose bodies were the same too); null when
   * some were past the cap and cannot be compared.
   */
  readonly bodies: readonly string[] | null | undefined;
}

interface Statements {
  readonly latest: Statement;
  readonly pageHashes: Statement;
  readonly extend: Statement;
  readonly seal: Statement;
  readonly row: Statement;
  readonly allOpen: Statement;
}

const statements = perConnection(
  (c): Statements => ({
    latest: c
      .prepare(
        `SELECT id, slot, last_slot, finished_at, coalesce(last_finished_at, finished_at), lower(hex(content_hash)), pages,
             problem_items, open
           FROM poll_runs WHERE target_id = ? ORDER BY finished_at DESC, id DESC LIMIT 1`,
      )
      .raw(true),
    pageHashes: c.prepare(`SELECT lower(hex(hash)) FROM poll_pages WHERE poll_id = ? ORDER BY page`).pluck(),
    extend: c.prepare(
      `UPDATE poll_runs SET last_finished_at = ?, last_slot = ?, polls = polls + 1, max_gap_ms = max(coalesce(max_gap_ms, 0), ?)
         WHERE id = ?`,
    ),
    seal: c.prepare(`UPDATE poll_runs SET open = 0 WHERE id = ? AND open = 1`),
    row: c.prepare(`SELECT * FROM poll_runs WHERE id = ?`),
    allOpen: c.prepare(`SELECT id FROM poll_runs WHERE open = 1 ORDER BY id`).pluck(),
  }),
);

function latestRun(db: Db, targetId: string): LatestRun | null {
  const r = statements(db).latest.get(targetId) as
    | [number, string | null, string | null, number, number, string | null, number, number, number]
    | undefined;
  if (!r) return null;
  const [id, slot, lastSlot, finishedAt, lastFinishedAt, contentHash, pages, problemItems, open] = r;
  return { id, slot, lastSlot, finishedAt, lastFinishedAt, contentHash, pages, problemItems, open: open === 1 };
}

/** The outcome of offering a successful poll to its target's open run. */
export type RunOffer =
  | { readonly kind: 'extended'; readonly runId: number }
  | { readonly kind: 'duplicate' }
  /** The open run (if any) was sealed: the poll must be written as a new run. */
  | { readonly kind: 'new' };

/**
 * Adds a successful poll to its target's open run when it saw exactly what the run saw (the same
 * normalized backups, problems and pages, and the same page bodies when they are kept), and the run
 * is younger than SEAL_AFTER_MS. Otherwise seals the open run. Must run in the poll's write transaction.
 */
export function offerToRun(db: Db, targetId: string, poll: RunCandidate): RunOffer {
  const run = latestRun(db, targetId);
  if (run && poll.slot !== null && heldSlot(poll.slot, run)) return { kind: 'duplicate' };
  if (!run?.open) return { kind: 'new' };
  const same =
    run.contentHash === poll.contentHash &&
    run.pages === poll.pages &&
    run.problemItems === poll.problemItems &&
    poll.finishedAt >= run.lastFinishedAt &&
    poll.finishedAt - run.finishedAt < SEAL_AFTER_MS &&
    samePages(db, run.id, poll.bodies);
  if (!same) {
    sealRun(db, run.id);
    return { kind: 'new' };
  }
  statements(db).extend.run(poll.finishedAt, poll.slot, poll.finishedAt - run.lastFinishedAt, run.id);
  return { kind: 'extended', runId: run.id };
}

/**
 * Whether the latest run already holds `slot`: its first or last slot, or a schedule tick between
 * them (the unique index holds only each run's first). Ticks are compared as instants; a slot that is
 * not one (`now:...` of `start --poll-now`) only by equality, as its text orders nothing.
 */
function heldSlot(slot: string, run: LatestRun): boolean {
  if (slot === run.slot || slot === run.lastSlot) return true;
  const [at, first, last] = [slot, run.slot, run.lastSlot ?? run.slot].map(tickInstant);
  return at !== undefined && first !== undefined && last !== undefined && at >= first && at <= last;
}

/** A schedule tick's instant (slots are written by slotOf, ISO), undefined for any other slot. */
const tickInstant = (slot: string | null): number | undefined =>
  slot !== null && /^\d{4}-\d\d-\d\dT/.test(slot) ? Date.parse(slot) : undefined;

/** Whether `bodies` are the pages the run kept (by the hash of each body without its RequestId). */
function samePages(db: Db, runId: number, bodies: readonly string[] | null | undefined): boolean {
  if (bodies === null) return false;
  const kept = statements(db).pageHashes.all(runId) as string[];
  if (bodies === undefined) return kept.length === 0;
  return kept.length === bodies.length && bodies.every((b, i) => bodyHash(splitRequestId(b).kept) === kept[i]);
}

/** Seals the open run of a target before a poll that cannot join it (a failure) is written. */
export function sealRunOf(db: Db, targetId: string): void {
  const run = latestRun(db, targetId);
  if (run?.open) sealRun(db, run.id);
}

/** Closes run `id` and chains it as one `poll-run` link, as its row reads once sealed. */
function sealRun(db: Db, id: number): void {
  const s = statements(db);
  if (s.seal.run(id).changes === 0) return;
  const row = s.row.get(id) as Row & { finished_at: number; last_finished_at: number | null };
  appendEvidence(db, 'poll-run', { ref: String(id), at: row.last_finished_at ?? row.finished_at, row });
}

/**
 * Seals every open run, so the chain's head covers every poll recorded so far: what a report or an
 * export does before it reads the head. Returns how many runs were sealed.
 */
export function sealOpenRuns(db: Db): number {
  // A command may open a database its migrations have not reached yet: it has no runs to seal.
  if (db.$client.prepare(`SELECT 1 FROM pragma_table_info('poll_runs') WHERE name = 'open'`).get() === undefined) return 0;
  return db.$client
    .transaction(() => {
      const ids = statements(db).allOpen.all() as number[];
      for (const id of ids) sealRun(db, id);
      return ids.length;
    })
    .immediate();
}
