import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { startCheckpointer } from '../../src/db/checkpointer.js';
import { closeDatabase, openDatabase } from '../../src/db/client.js';
import { tempDatabase } from '../helpers/db.js';
import { tempDir } from '../helpers/temp.js';
import { until } from '../helpers/wait.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const autocheckpoint = (db: ReturnType<typeof openDatabase>): number => db.$client.pragma('wal_autocheckpoint', { simple: true }) as number;

/** Commits `n` small transactions of ~2 KB each, as ingest does: enough WAL for a checkpoint to matter. */
function commitMany(db: ReturnType<typeof openDatabase>, n: number): void {
  db.$client.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, blob TEXT)');
  const insert = db.$client.prepare('INSERT INTO filler (blob) VALUES (?)');
  for (let i = 0; i < n; i++) db.$client.transaction(() => insert.run('x'.repeat(2_000))).immediate();
}

it('startCheckpointer() copies the WAL into the database file from its own thread while the writer never checkpoints', async () => {
  const t = tempDatabase();
  cleanups.push(t.cleanup);
  const checkpointer = await startCheckpointer(t.db, t.path, { log: silentLogger, everyMs: 20 });
  expect(autocheckpoint(t.db)).toBe(0);
  const before = statSync(t.path).size;
  commitMany(t.db, 1_500);
  // Only a checkpoint writes pages into the main file; this connection's automatic one is off.
  await until(() => statSync(t.path).size > before + 1_000 * 2_000, 10_000);
  await checkpointer.stop();
  expect(autocheckpoint(t.db)).toBe(1000);
  expect(t.db.$client.prepare('SELECT count(*) FROM filler').pluck().get()).toBe(1_500);
});

it('startCheckpointer() leaves automatic checkpoints on when its thread cannot open the database', async () => {
  const t = tempDatabase();
  cleanups.push(t.cleanup);
  const missing = tempDir();
  cleanups.push(missing.cleanup);
  const checkpointer = await startCheckpointer(t.db, join(missing.dir, 'no-such.db'), { log: silentLogger });
  expect(autocheckpoint(t.db)).toBe(1000);
  await checkpointer.stop();
  expect(autocheckpoint(t.db)).toBe(1000);
});

it('startCheckpointer() is a no-op for an in-memory database', async () => {
  const db = openDatabase(':memory:');
  cleanups.push(() => closeDatabase(db));
  const checkpointer = await startCheckpointer(db, ':memory:', { log: silentLogger });
  await checkpointer.stop();
  expect(db.$client.open).toBe(true);
});
