import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { loadHistory } from '../../src/db/history.js';
import { recordPoll } from '../../src/db/ingest.js';
import type { NormalizedBackup } from '../../src/domain/backup.js';
import { tempDatabase } from '../helpers/db.js';

const H = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

const backup = (over: Partial<NormalizedBackup> = {}): NormalizedBackup => ({
  backupId: '1',
  name: null,
  kind: 'full',
  trigger: 'automated',
  status: 'completed',
  rawStatus: 'Success',
  startedAt: T0 - 2 * H,
  endedAt: T0 - H,
  sizeBytes: 1024,
  raw: { BackupId: 1 },
  ...over,
});
const count = (table: string) => db.$client.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get();

describe('recordPoll()', () => {
  it('writes the poll, its backups and a first-sighting event for each', () => {
    const s = recordPoll(db, {
      targetId: 't',
      startedAt: T0,
      finishedAt: T0 + 1000,
      outcome: { ok: true, pages: 2, backups: [backup(), backup({ backupId: '2' })] },
    });
    expect(s).toMatchObject({ items: 2, newBackups: 2, statusChanges: 0 });
    expect([count('poll_runs'), count('backups'), count('backup_events')]).toEqual([1, 2, 2]);
  });

  it('records a status change as an event and a repeated identical poll as none', () => {
    recordPoll(db, {
      targetId: 't',
      startedAt: T0,
      finishedAt: T0,
      outcome: { ok: true, pages: 1, backups: [backup({ status: 'running', rawStatus: 'Running', endedAt: null })] },
    });
    const again = recordPoll(db, {
      targetId: 't',
      startedAt: T0 + H,
      finishedAt: T0 + H,
      outcome: { ok: true, pages: 1, backups: [backup({ status: 'running', rawStatus: 'Running', endedAt: null })] },
    });
    const done = recordPoll(db, {
      targetId: 't',
      startedAt: T0 + 2 * H,
      finishedAt: T0 + 2 * H,
      outcome: { ok: true, pages: 1, backups: [backup()] },
    });
    expect(again.statusChanges).toBe(0);
    expect(done.statusChanges).toBe(1);
    expect(db.$client.prepare(`SELECT from_status, to_status FROM backup_events ORDER BY id`).all()).toEqual([
      { from_status: null, to_status: 'running' },
      { from_status: 'running', to_status: 'completed' },
    ]);
  });

  it('stores what changed in a re-listed backup, found through the indexes by its new end and kind', () => {
    const poll = (at: number, backups: NormalizedBackup[]) =>
      recordPoll(db, { targetId: 't', startedAt: at, finishedAt: at, outcome: { ok: true, pages: 1, backups } });
    poll(T0, [backup(), backup({ backupId: '2' })]);
    poll(T0 + H, [
      backup({ name: 'renamed', sizeBytes: 2048, raw: { BackupId: 1, Note: 'x' } }),
      backup({ backupId: '2', kind: 'incremental', endedAt: T0 - H / 2 }),
    ]);
    const row = (id: string) =>
      db.$client
        .prepare(`SELECT name, size_bytes, raw, kind, ended_at, last_seen_at FROM backups WHERE target_id = 't' AND backup_id = ?`)
        .get(id);
    expect(row('1')).toEqual({
      name: 'renamed',
      size_bytes: 2048,
      raw: '{"BackupId":1,"Note":"x"}',
      kind: 'full',
      ended_at: T0 - H,
      last_seen_at: T0 + H,
    });
    expect(row('2')).toMatchObject({ kind: 'incremental', ended_at: T0 - H / 2, last_seen_at: T0 + H });
    const byIndex = (sql: string, ...args: unknown[]) =>
      db.$client
        .prepare(sql)
        .pluck()
        .all(...args);
    expect(
      byIndex(`SELECT backup_id FROM backups INDEXED BY backups_target_ended WHERE target_id = 't' AND ended_at = ?`, T0 - H / 2),
    ).toEqual(['2']);
    expect(
      byIndex(
        'SELECT backup_id FROM backups INDEXED BY backups_target_status_kind_ended ' +
          `WHERE target_id = 't' AND status = 'completed' AND kind = 'full'`,
      ),
    ).toEqual(['1']);
    expect(count('backup_events')).toBe(2);
  });

  it('writes nothing at all when any row of the poll cannot be stored', () => {
    const broken = backup({ backupId: '2', rawStatus: null as unknown as string });
    expect(() =>
      recordPoll(db, { targetId: 't', startedAt: T0, finishedAt: T0, outcome: { ok: true, pages: 1, backups: [backup(), broken] } }),
    ).toThrow();
    expect([count('poll_runs'), count('backups'), count('backup_events')]).toEqual([0, 0, 0]);
  });

  it('stores a failed poll as one poll_runs row and leaves stored backups untouched', () => {
    recordPoll(db, { targetId: 't', startedAt: T0, finishedAt: T0, outcome: { ok: true, pages: 1, backups: [backup()] } });
    recordPoll(db, {
      targetId: 't',
      startedAt: T0 + H,
      finishedAt: T0 + H,
      outcome: { ok: false, pages: 1, error: { kind: 'auth', code: 'SignatureDoesNotMatch', message: 'bad signature' } },
    });
    expect(count('backups')).toBe(1);
    expect(db.$client.prepare(`SELECT outcome, error_kind, error_code FROM poll_runs ORDER BY id DESC LIMIT 1`).get()).toEqual({
      outcome: 'error',
      error_kind: 'auth',
      error_code: 'SignatureDoesNotMatch',
    });
  });

  it('keeps whether a failed poll can pass by itself, and the provider request id, for the rules to read', () => {
    const error = { kind: 'auth', code: 'SignatureDoesNotMatch', requestId: 'REQ-1', permanent: true, message: 'bad signature' };
    recordPoll(db, { targetId: 't', startedAt: T0, finishedAt: T0, outcome: { ok: false, pages: 0, error } });
    recordPoll(db, {
      targetId: 't',
      startedAt: T0 + H,
      finishedAt: T0 + H,
      outcome: { ok: false, pages: 0, error: { kind: 'timeout', permanent: false, message: 'no answer' } },
    });
    const [transient, refused] = loadHistory(db, 't', T0 + H).polls;
    expect(refused).toMatchObject({
      ok: false,
      errorKind: 'auth',
      errorCode: 'SignatureDoesNotMatch',
      requestId: 'REQ-1',
      permanent: true,
    });
    expect(transient).toMatchObject({ ok: false, errorKind: 'timeout', requestId: null, permanent: false });
  });

  it('keeps the last of duplicate backup ids within one listing', () => {
    recordPoll(db, {
      targetId: 't',
      startedAt: T0,
      finishedAt: T0,
      outcome: { ok: true, pages: 2, backups: [backup({ status: 'running', rawStatus: 'Running' }), backup()] },
    });
    expect(db.$client.prepare(`SELECT status FROM backups`).pluck().all()).toEqual(['completed']);
  });

  it('counts items kept with unparseable fields in the poll run', () => {
    const odd = backup({
      backupId: '2',
      status: 'unknown',
      rawStatus: 'Paused',
      endedAt: null,
      problems: ['BackupStatus: unknown word "Paused"'],
    });
    recordPoll(db, { targetId: 't', startedAt: T0, finishedAt: T0, outcome: { ok: true, pages: 1, backups: [backup(), odd] } });
    expect(db.$client.prepare(`SELECT items, problem_items AS n, problems FROM poll_runs`).get()).toEqual({
      items: 2,
      n: 1,
      problems: JSON.stringify(['2: BackupStatus: unknown word "Paused"']),
    });
    expect(db.$client.prepare(`SELECT status, raw_status FROM backups WHERE backup_id = '2'`).get()).toEqual({
      status: 'unknown',
      raw_status: 'Paused',
    });
  });

  it('gives two polls that saw the same list in another order the same content hash, and one run', () => {
    recordPoll(db, {
      targetId: 't',
      startedAt: T0,
      finishedAt: T0,
      outcome: { ok: true, pages: 1, backups: [backup(), backup({ backupId: '2' })] },
    });
    recordPoll(db, {
      targetId: 't',
      startedAt: T0 + 1,
      finishedAt: T0 + 1,
      outcome: { ok: true, pages: 1, backups: [backup({ backupId: '2' }), backup()] },
    });
    // The same hash in another order: the second poll joins the first one's run.
    const runs = db.$client.prepare(`SELECT polls, finished_at, last_finished_at, max_gap_ms FROM poll_runs`).all();
    expect(runs).toEqual([{ polls: 2, finished_at: T0, last_finished_at: T0 + 1, max_gap_ms: 1 }]);
  });
});

describe('loadHistory()', () => {
  it('shows each backup with its status as of the evaluation instant', () => {
    recordPoll(db, {
      targetId: 't',
      startedAt: T0,
      finishedAt: T0,
      outcome: { ok: true, pages: 1, backups: [backup({ status: 'running', rawStatus: 'Running', endedAt: null })] },
    });
    recordPoll(db, {
      targetId: 't',
      startedAt: T0 + 2 * H,
      finishedAt: T0 + 2 * H,
      outcome: { ok: true, pages: 1, backups: [backup({ endedAt: T0 + H })] },
    });
    expect(loadHistory(db, 't', T0 + H).backups.map((b) => b.status)).toEqual(['running']);
    expect(loadHistory(db, 't', T0 + 3 * H).backups.map((b) => b.status)).toEqual(['completed']);
    expect(loadHistory(db, 't', T0 - 1).backups).toEqual([]);
  });

  it('lists only polls finished by the instant, newest first', () => {
    for (const [i, ok] of [
      [0, true],
      [1, false],
      [2, true],
    ] as const) {
      recordPoll(db, {
        targetId: 't',
        startedAt: T0 + i * H,
        finishedAt: T0 + i * H,
        outcome: ok ? { ok: true, pages: 1, backups: [] } : { ok: false, pages: 0, error: { kind: 'network', message: 'down' } },
      });
    }
    expect(loadHistory(db, 't', T0 + H).polls.map((p) => [p.finishedAt - T0, p.ok])).toEqual([
      [H, false],
      [0, true],
    ]);
  });
});
