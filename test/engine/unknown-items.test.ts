import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../jobs/cycle.js';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import type { Db } from '../../src/db/client.js';
import { blobBody } from '../../src/db/page-blobs.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { tempDatabase } from '../helpers/db.js';
import { aliyunAccountYaml, backupSeries, rdsFleet } from '../helpers/rds-fleet.js';

// Issue 3: "An item that cannot be parsed is kept as `unknown` with its raw text and counted in the
// poll run, never dropped silently and never counted as completed", through the real Alibaba adapter
// polling the simulator into a real SQLite file, then the real rules.

const NOW = Date.parse('2026-03-01T06:00:00Z');
const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tUnknownItems01', accessKeySecret: 'unknown-items-secret-4Qx' };
/**
 * The simulator renders times with toISOString, which writes a start in year 10000 as
 * `+010000-01-01T00:00:00Z`: not Alibaba's format, so the adapter cannot read it.
 */
const UNREADABLE_START = Date.UTC(10_000, 0, 1);
const PAUSED_ID = '400000001';

describe('an item the adapter cannot fully read, end to end', () => {
  let sim: Simulator;
  let db: Db;
  let cleanup: () => void;

  beforeAll(async () => {
    // Three completed daily backups, the newest 30h old.
    const fleet = rdsFleet(KEY, { 'rm-odd': backupSeries(NOW - 30 * H, 3, { sizeBytes: 5_000_000 }) });
    // Ended an hour ago: were the unknown word taken for success, recent-success would be satisfied.
    fleet.addBackup('rm-odd', {
      id: PAUSED_ID,
      status: 'Paused',
      kind: 'full',
      mode: 'Automated',
      startedAt: UNREADABLE_START,
      endedAt: NOW - H,
      sizeBytes: 5_000_000,
    });
    const clock = manualClock(NOW);
    sim = await startSimulator({ fleet, clock });
    ({ db, cleanup } = tempDatabase());
    const loaded = loadConfigText(
      `
accounts:
  ali: ${aliyunAccountYaml(sim.url, KEY.accessKeyId, KEY.accessKeySecret)}
targets:
  - { id: odd-db, account: ali, service: rds, instance: rm-odd }
rules:
  recent-success: { maxAge: 24h }
`,
      '/tmp/unknown-items-e2e.yaml',
      { env: {} },
    );
    await runCycle(createDeps({ db, loaded, clock }));
  });
  afterAll(async () => {
    await sim?.close();
    cleanup?.();
  });

  it('records a successful poll that counts the item among its problem items and says why', () => {
    const run = db.$client.prepare(`SELECT outcome, items, problem_items, problems FROM poll_runs WHERE target_id = 'odd-db'`).get() as {
      outcome: string;
      items: number;
      problem_items: number;
      problems: string;
    };
    expect(run).toMatchObject({ outcome: 'ok', items: 4, problem_items: 1 });
    expect(JSON.parse(run.problems)).toEqual([
      `${PAUSED_ID}: BackupStatus: unknown word "Paused"`,
      `${PAUSED_ID}: BackupStartTime: "+010000-01-01T00:00:00Z" is not a time`,
    ]);
  });

  it('stores the item as unknown with its raw word and the unreadable time as null, raw text kept', () => {
    const row = db.$client
      .prepare(`SELECT status, raw_status, started_at, ended_at, raw, last_seen_poll FROM backups WHERE backup_id = ?`)
      .get(PAUSED_ID) as {
      status: string;
      raw_status: string;
      started_at: number | null;
      ended_at: number | null;
      raw: string | null;
      last_seen_poll: number;
    };
    expect(row).toMatchObject({ status: 'unknown', raw_status: 'Paused', started_at: null, ended_at: NOW - H });
    // The raw text is in the page the provider answered, kept whole, rather than copied into the row.
    expect(row.raw).toBeNull();
    const hash = db.$client
      .prepare(`SELECT lower(hex(hash)) FROM poll_pages WHERE poll_id = ? AND page = 1`)
      .pluck()
      .get(row.last_seen_poll);
    const page = blobBody(db, hash as string) as { text: string };
    const items = (JSON.parse(page.text) as { Items: { Backup: { BackupId: unknown }[] } }).Items.Backup;
    expect(items.find((b) => String(b.BackupId) === PAUSED_ID)).toMatchObject({
      BackupStatus: 'Paused',
      BackupStartTime: '+010000-01-01T00:00:00Z',
    });
  });

  it('does not count the unknown item as completed: recent-success alarms on the last real success', () => {
    const finding = db.$client
      .prepare(`SELECT state, reason, details FROM findings WHERE target_id = 'odd-db' AND rule_id = 'recent-success'`)
      .get() as {
      state: string;
      reason: string;
      details: string;
    };
    expect(finding.state).toBe('alarm');
    expect(finding.reason).toContain('last completed backup ended 2026-02-28T00:00Z, 1d 6h ago');
    expect(JSON.parse(finding.details)).toMatchObject({ endedAt: NOW - 30 * H });
    expect(finding.details).not.toContain(PAUSED_ID);
  });
});
