import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { exportRows } from '../../src/db/evidence-export.js';
import { verifyEvidence } from '../../src/db/evidence-verify.js';
import { loadHistory } from '../../src/db/history.js';
import { recordPoll } from '../../src/db/ingest.js';
import { SEAL_AFTER_MS, sealOpenRuns } from '../../src/db/poll-runs.js';
import { pruneEvidence } from '../../src/db/retention.js';
import type { PollRecord } from '../../src/domain/poll.js';
import { tempDatabase } from '../helpers/db.js';
import { listedBackup, T0 } from '../helpers/evidence.js';

const MIN = 60_000;
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

/** A successful poll of target `t` finishing at `at`, listing `ids`, with `bodies` as its pages when given. */
const ok = (at: number, ids: string[], more: Partial<PollRecord> = {}): PollRecord => ({
  targetId: 't',
  slot: new Date(at).toISOString(),
  startedAt: at - 1000,
  finishedAt: at,
  outcome: { ok: true, pages: 1, backups: ids.map((id) => listedBackup(id)) },
  ...more,
});
const failed = (at: number): PollRecord => ({
  targetId: 't',
  startedAt: at - 1000,
  finishedAt: at,
  outcome: { ok: false, pages: 0, error: { kind: 'server', message: 'down' } },
});
const runs = () =>
  db.$client.prepare(`SELECT id, polls, finished_at, last_finished_at, max_gap_ms, open, outcome FROM poll_runs ORDER BY id`).all();
const links = (kind: string) => db.$client.prepare(`SELECT ref FROM evidence_chain WHERE kind = ? ORDER BY seq`).pluck().all(kind);

describe('runs of identical polls', () => {
  it('keeps identical polls as one run with its count, last poll and longest gap, chained once when sealed', () => {
    for (const m of [0, 30, 60, 100]) recordPoll(db, ok(T0 + m * MIN, ['a']));
    expect(runs()).toEqual([
      { id: 1, polls: 4, finished_at: T0, last_finished_at: T0 + 100 * MIN, max_gap_ms: 40 * MIN, open: 1, outcome: 'ok' },
    ]);
    expect(links('poll-run')).toEqual([]);
    expect(verifyEvidence(db)).toMatchObject({ ok: true, openRuns: 1 });
    expect(sealOpenRuns(db)).toBe(1);
    expect(links('poll-run')).toEqual(['1']);
    expect(verifyEvidence(db)).toMatchObject({ ok: true, openRuns: 0 });
  });

  it('starts a new run when the listing changes, when a poll fails, and after a day', () => {
    recordPoll(db, ok(T0, ['a']));
    recordPoll(db, ok(T0 + 30 * MIN, ['a', 'b']));
    recordPoll(db, failed(T0 + 60 * MIN));
    recordPoll(db, ok(T0 + 90 * MIN, ['a', 'b']));
    for (let m = 120; m <= 90 + SEAL_AFTER_MS / MIN; m += 30) recordPoll(db, ok(T0 + m * MIN, ['a', 'b']));
    const all = runs() as { polls: number | null; open: number; outcome: string }[];
    expect(all.map((r) => [r.outcome, r.polls, r.open])).toEqual([
      ['ok', 1, 0],
      ['ok', 1, 0],
      ['error', null, 0],
      ['ok', 48, 0],
      ['ok', 1, 1],
    ]);
    expect(links('poll-run')).toEqual(['1', '2', '4']);
    expect(links('poll')).toEqual(['3']);
  });

  it('starts a new run when the page bodies differ though the backups read the same', () => {
    recordPoll(db, ok(T0, ['a'], { pageBodies: { bodies: ['{"Items":[1],"RequestId":"x"}'], omitted: 0 } }));
    recordPoll(db, ok(T0 + 30 * MIN, ['a'], { pageBodies: { bodies: ['{"Items":[1],"RequestId":"y"}'], omitted: 0 } }));
    recordPoll(db, ok(T0 + 60 * MIN, ['a'], { pageBodies: { bodies: ['{"Items":[1],"Extra":true,"RequestId":"z"}'], omitted: 0 } }));
    expect((runs() as { polls: number }[]).map((r) => r.polls)).toEqual([2, 1]);
  });

  it('ingests a redelivered last slot once', () => {
    recordPoll(db, ok(T0, ['a']));
    const second = ok(T0 + 30 * MIN, ['a']);
    recordPoll(db, second);
    expect(recordPoll(db, second).duplicate).toBe(true);
    expect((runs() as { polls: number }[]).map((r) => r.polls)).toEqual([2]);
  });

  it('ingests a slot redelivered from inside a run once', () => {
    const polls = [0, 30, 60].map((m) => ok(T0 + m * MIN, ['a']));
    for (const p of polls) recordPoll(db, p);
    // The job of the middle slot, run again after its worker stalled: it finishes last.
    const again = { ...(polls[1] as PollRecord), startedAt: T0 + 61 * MIN, finishedAt: T0 + 61 * MIN };
    expect(recordPoll(db, again).duplicate).toBe(true);
    expect((runs() as { polls: number }[]).map((r) => r.polls)).toEqual([3]);
  });

  it('records the next tick after a poll-now slot joined the run', () => {
    recordPoll(db, ok(T0, ['a']));
    recordPoll(db, { ...ok(T0 + 5 * MIN, ['a']), slot: `now:${new Date(T0 + 5 * MIN).toISOString()}` });
    expect(recordPoll(db, ok(T0 + 30 * MIN, ['a'])).duplicate).toBe(false);
    expect((runs() as { polls: number }[]).map((r) => r.polls)).toEqual([3]);
  });

  it('shows rules the run as its last poll, or as its first when asked about an instant inside it', () => {
    for (const m of [0, 30, 60]) recordPoll(db, ok(T0 + m * MIN, ['a']));
    expect(loadHistory(db, 't', T0 + 61 * MIN).polls.map((p) => p.finishedAt)).toEqual([T0 + 60 * MIN]);
    expect(loadHistory(db, 't', T0 + 45 * MIN).polls.map((p) => p.finishedAt)).toEqual([T0]);
  });

  it('names a sealed run whose count was edited', () => {
    for (const m of [0, 30]) recordPoll(db, ok(T0 + m * MIN, ['a']));
    sealOpenRuns(db);
    db.$client.prepare(`UPDATE poll_runs SET polls = 40`).run();
    expect(verifyEvidence(db).problems[0]).toMatchObject({ break: 'edited', kind: 'poll-run', ref: '1' });
  });

  it('leaves the rows a run saw as its first poll wrote them, and reads their last sighting from the run', () => {
    const pages = { pageBodies: { bodies: ['{"Items":["a"],"RequestId":"x"}'], omitted: 0 } };
    for (const m of [0, 30, 60]) recordPoll(db, ok(T0 + m * MIN, ['a'], pages));
    const row = () => db.$client.prepare(`SELECT last_seen_at, last_seen_poll FROM backups WHERE backup_id = 'a'`).get();
    expect(row()).toEqual({ last_seen_at: T0, last_seen_poll: 1 });
    const exported = exportRows(db, { from: T0 + 45 * MIN, to: T0 + 90 * MIN, targets: [] })['backups.jsonl'];
    expect(exported).toMatchObject([{ backup_id: 'a', last_seen_at: T0 + 60 * MIN, last_seen_poll: 1 }]);
    // A cutoff between the run's first and last poll keeps the backup: it was listed after the cutoff.
    pruneEvidence(db, { polls: T0 + 45 * MIN }, T0 + 90 * MIN);
    expect(row()).toEqual({ last_seen_at: T0, last_seen_poll: 1 });
    pruneEvidence(db, { polls: T0 + 61 * MIN }, T0 + 90 * MIN);
    expect(row()).toBeUndefined();
  });
});
