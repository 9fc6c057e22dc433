import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { evidenceDigest, evidenceHead } from '../../src/db/evidence.js';
import { recordLookup, verifyEvidence } from '../../src/db/evidence-verify.js';
import { recordPoll } from '../../src/db/ingest.js';
import { pollPages } from '../../src/db/poll-pages.js';
import { sealOpenRuns } from '../../src/db/poll-runs.js';
import { pruneEvidence } from '../../src/db/retention.js';
import type { NormalizedBackup } from '../../src/domain/backup.js';
import { tempDatabase } from '../helpers/db.js';
import { T0, writeEvidence } from '../helpers/evidence.js';

const MIN = 60_000;
const DAY = 86_400_000;
const DAYS = 60;

let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

const backup = (day: number, done: boolean): NormalizedBackup => ({
  backupId: `b-${day}`,
  name: null,
  kind: 'full',
  trigger: 'automated',
  status: done ? 'completed' : 'running',
  rawStatus: done ? 'Success' : 'Running',
  startedAt: T0 + day * DAY + 120 * MIN,
  endedAt: done ? T0 + day * DAY + 149 * MIN : null,
  sizeBytes: 1e9 + day,
  raw: { BackupId: `b-${day}` },
});

/** `inventory`'s polls every 30 minutes for DAYS days: a backup a day, seen running then done, a week of them listed. */
function pollForDays(): void {
  for (let slot = 0; slot < DAYS * 48; slot++) {
    const at = T0 + slot * 30 * MIN;
    const today = Math.floor(slot / 48);
    const listed: NormalizedBackup[] = [];
    for (let d = Math.max(0, today - 6); d <= today; d++) {
      const started = T0 + d * DAY + 120 * MIN;
      if (started <= at) listed.push(backup(d, at >= started + 30 * MIN));
    }
    const body = JSON.stringify({
      RequestId: `req-${slot}`,
      Items: { Backup: listed.map((b) => b.raw) },
      Status: listed.map((b) => b.status),
    });
    recordPoll(db, {
      targetId: 'inventory',
      slot: `s${slot}`,
      startedAt: at,
      finishedAt: at + 500,
      outcome: { ok: true, pages: 1, backups: listed },
      pageBodies: { bodies: [body], omitted: 0 },
    });
  }
  sealOpenRuns(db);
}

const count = (table: string, where = '1') => db.$client.prepare(`SELECT count(*) FROM ${table} WHERE ${where}`).pluck().get() as number;

describe('retention', () => {
  it('prunes polls, pages, events and notifications past their cutoff, and the chain still verifies against old heads', () => {
    writeEvidence(db);
    const oldHead = evidenceHead(db)?.hash as string;
    pollForDays();
    const head = evidenceHead(db)?.hash as string;
    const blobsBefore = count('poll_page_blobs');
    const now = T0 + DAYS * DAY;
    const cutoff = now - 35 * DAY;

    const summary = pruneEvidence(db, { polls: cutoff, pages: cutoff, notifications: cutoff }, now);

    expect(summary.links['poll-run']).toBeGreaterThan(40);
    expect(summary.links['poll-pages']).toBeGreaterThan(40);
    expect(summary.links['backup-events']).toBeGreaterThan(20);
    expect(summary.links.notification).toBe(1);
    expect(summary.backups).toBeGreaterThan(15);
    expect(summary.blobs).toBeGreaterThan(0);
    expect(count('poll_page_blobs')).toBe(blobsBefore - summary.blobs);
    // What is left before the cutoff is what a kept backup still names.
    const held = 'SELECT first_seen_poll FROM backups UNION SELECT last_seen_poll FROM backups';
    expect(count('poll_runs', `coalesce(last_finished_at, finished_at) < ${cutoff} AND id NOT IN (${held})`)).toBe(0);
    expect(count('backups', `last_seen_at < ${cutoff}`)).toBe(0);
    expect(verifyEvidence(db, { head: oldHead })).toMatchObject({ ok: true, problems: [] });
    expect(verifyEvidence(db, { head })).toMatchObject({ ok: true });
    // Every page still kept reads back and proves itself, deltas whose old bases went included.
    const polls = db.$client.prepare(`SELECT DISTINCT poll_id FROM poll_pages`).pluck().all() as number[];
    for (const id of polls) expect(pollPages(db, 'inventory', id)?.mismatches ?? []).toEqual([]);
    expect(pruneEvidence(db, { polls: cutoff, pages: cutoff, notifications: cutoff }, now + MIN).checkpoints).toBe(0);
  });

  it('prunes only pages when only pages have a cutoff, and nothing newer than it', () => {
    pollForDays();
    const runs = count('poll_runs');
    const now = T0 + DAYS * DAY;
    const summary = pruneEvidence(db, { pages: now - 50 * DAY }, now);
    expect(summary.links['poll-run']).toBeUndefined();
    expect(summary.links['poll-pages']).toBeGreaterThanOrEqual(19);
    expect(count('poll_runs')).toBe(runs);
    expect(verifyEvidence(db).ok).toBe(true);
  });

  it('names a record deleted and made to look pruned, when no retention link accounts for it', () => {
    writeEvidence(db);
    pollForDays();
    const now = T0 + DAYS * DAY;
    pruneEvidence(db, { polls: now - 35 * DAY, pages: now - 35 * DAY }, now);
    // A recent poll run deleted with its pages and events, its digest written into its link as retention would.
    const id = db.$client.prepare(`SELECT max(id) FROM poll_runs WHERE open = 0`).pluck().get() as number;
    const link = db.$client.prepare(`SELECT seq FROM evidence_chain WHERE kind = 'poll-run' AND ref = ?`).pluck().get(String(id)) as number;
    const at = (seq: number) => db.$client.prepare(`SELECT at FROM evidence_chain WHERE seq = ?`).pluck().get(seq) as number;
    const digest = evidenceDigest('poll-run', String(id), at(link), recordLookup(db)('poll-run', String(id)).row);
    db.$client.prepare(`UPDATE evidence_chain SET digest = ? WHERE seq = ?`).run(Buffer.from(digest, 'hex'), link);
    db.$client.exec(`DELETE FROM backup_events WHERE poll_id = ${id}; DELETE FROM poll_pages WHERE poll_id = ${id};
      UPDATE backups SET last_seen_poll = first_seen_poll WHERE last_seen_poll = ${id}; DELETE FROM poll_runs WHERE id = ${id}`);
    const problems = verifyEvidence(db).problems;
    expect(problems.find((p) => p.seq === link)).toMatchObject({ break: 'deleted', kind: 'poll-run', ref: String(id) });
    // The links retention did prune are still accounted for: only the forged one is named.
    expect(problems.filter((p) => p.message.includes('as if pruned')).map((p) => p.seq)).toEqual([link]);
  });
});
