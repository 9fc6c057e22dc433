import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Db, openDatabase } from '../../src/db/client.js';
import { recordPoll } from '../../src/db/ingest.js';
import { backupsIn, lastCompletedBefore } from '../../src/db/report-reads.js';
import type { NormalizedBackup } from '../../src/domain/backup.js';

// The report's backup reads over a real database written by recordPoll: which backups count, and as what.

const H = 3_600_000;
const FROM = Date.parse('2026-11-16T00:00:00Z');
const TO = FROM + 7 * 24 * H;

const backup = (id: string, status: NormalizedBackup['status'], startedAt: number, endedAt: number | null): NormalizedBackup => ({
  backupId: id,
  name: null,
  kind: 'full',
  trigger: 'automated',
  status,
  rawStatus: status,
  startedAt,
  endedAt,
  sizeBytes: 1e9,
  raw: {},
});

let db: Db;

beforeAll(() => {
  db = openDatabase(':memory:');
  const poll = (at: number, backups: NormalizedBackup[]) =>
    recordPoll(db, { targetId: 't', startedAt: at - 1000, finishedAt: at, outcome: { ok: true, pages: 1, backups } });
  const seenCompleted = backup('was-completed', 'completed', FROM + 2 * H, FROM + 3 * H);
  const olderCompleted = backup('older-completed', 'completed', FROM - 50 * H, FROM - 49 * H);
  poll(FROM + 4 * H, [seenCompleted, olderCompleted]);
  poll(FROM + 30 * H, [
    { ...seenCompleted, status: 'expired' },
    olderCompleted,
    backup('never-completed', 'expired', FROM - 3 * H, FROM - 2 * H),
    backup('completed', 'completed', FROM + 20 * H, FROM + 21 * H),
    backup('failed', 'failed', FROM + 22 * H, FROM + 23 * H),
    backup('failed-no-end', 'failed', FROM + 24 * H, null),
    backup('running', 'running', FROM + 25 * H, null),
    backup('expired-unseen', 'expired', FROM + 5 * H, FROM + 6 * H),
    backup('after', 'completed', TO + H, TO + 2 * H),
  ]);
});
afterAll(() => closeDatabase(db));

describe('report backup reads', () => {
  it(
    'backupsIn() counts completed ones, failed ones (without an end: at their start) ' +
      'and expired ones once seen completed, in time order',
    () => {
      expect(backupsIn(db, 't', FROM, TO)).toEqual([
        { endedAt: FROM + 3 * H, outcome: 'completed' },
        { endedAt: FROM + 21 * H, outcome: 'completed' },
        { endedAt: FROM + 23 * H, outcome: 'failed' },
        { endedAt: FROM + 24 * H, outcome: 'failed' },
      ]);
    },
  );

  it('lastCompletedBefore() passes over a newer backup that was never seen completed', () => {
    expect(lastCompletedBefore(db, 't', FROM)).toBe(FROM - 49 * H);
    expect(lastCompletedBefore(db, 't', FROM - 49 * H)).toBeNull();
    expect(lastCompletedBefore(db, 'other', FROM)).toBeNull();
  });
});
