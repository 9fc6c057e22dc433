import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { type Daemon, startDaemon } from '../../src/daemon/runtime.js';
import type { HistoryEvent } from '../../src/db/target-history.js';
import { type CliFleet, startCliFleet } from '../helpers/cli-fleet.js';

// The SQLite file is all the evidence there is: it can be copied while the daemon writes, the copy is
// checked before it counts, and a restore brings the history back.

describe('backing up and restoring the database', () => {
  let f: CliFleet | undefined;
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.stop(1_000);
    daemon = undefined;
    await f?.close();
    f = undefined;
  });

  /** How many polls `history` shows for a target: a run of identical polls is one event that counts them. */
  const pollsOf = async (fleet: CliFleet, target: string) => {
    const r = await fleet.cli('history', target, '--since', '30d', '--json');
    return (JSON.parse(r.stdout) as { events: HistoryEvent[] }).events.reduce(
      (n, e) => n + (e.type === 'poll' ? (e.run?.polls ?? 1) : 0),
      0,
    );
  };
  const startOn = (fleet: CliFleet) => startDaemon({ loaded: loadConfigFile(fleet.config, { env: fleet.env }), log: silentLogger });

  it('backs up while the daemon runs, loses the file, restores it, and a new daemon starts on the same history', async () => {
    f = await startCliFleet();
    await f.cli('run-once');
    await f.cli('run-once');
    expect(await pollsOf(f, 'payments-db')).toBe(2);

    daemon = await startOn(f);
    const copy = join(f.dir, 'backups', 'evidence.db');
    const backup = await f.cli('db', 'backup', '--out', copy);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/evidence\.db: backup of .+ checked: integrity ok, \d+ rows \(.*poll_runs 4/);
    // A running daemon holds the file: restoring under it is refused, and nothing is touched.
    const refused = await f.cli('db', 'restore', copy);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`a daemon (pid ${process.pid}`);
    await daemon.stop(1_000);
    daemon = undefined;

    // The evidence is lost.
    const file = join(f.dir, 'audit.db');
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    expect((await f.cli('status')).code).toBe(4);

    const restored = await f.cli('db', 'restore', copy);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`restored from ${copy}`);
    expect(await pollsOf(f, 'payments-db')).toBe(2);
    daemon = await startOn(f);
    expect((await f.cli('status', '--json')).code).toBe(1);
  });

  it('keeps the database it replaces beside it', async () => {
    f = await startCliFleet();
    await f.cli('run-once');
    const copy = join(f.dir, 'copy.db');
    expect((await f.cli('db', 'backup', '--out', copy)).code).toBe(0);
    await f.cli('run-once');
    const r = await f.cli('db', 'restore', copy);
    expect(r.code).toBe(0);
    const kept = /kept as (.+)$/m.exec(r.stdout)?.[1] ?? '';
    expect(existsSync(kept)).toBe(true);
    const rows = new Database(kept, { readonly: true }).prepare('SELECT SUM(coalesce(polls, 1)) FROM poll_runs').pluck().get();
    expect(rows).toBe(8);
    expect(await pollsOf(f, 'payments-db')).toBe(1);
  });

  it('refuses a file that is not a sound backup and leaves the database as it was', async () => {
    f = await startCliFleet();
    await f.cli('run-once');
    const junk = join(f.dir, 'junk.db');
    writeFileSync(junk, 'SQLite format 3\0 but not really a database file at all');
    const r = await f.cli('db', 'restore', junk);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/junk\.db (cannot be opened as SQLite|fails integrity_check|cannot be read)/);
    expect(await pollsOf(f, 'payments-db')).toBe(1);
  });
});
