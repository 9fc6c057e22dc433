import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/log.js';
import type { Db } from './client.js';

export interface Checkpointer {
  /** Stops the thread and hands checkpointing back to the connection. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** How often the thread copies the WAL back into the database file. */
  readonly everyMs?: number;
  readonly log: Logger;
}

// The thread's code is plain CommonJS evaluated as a string, so it runs the same from src/ (tsx,
// vitest: neither transforms worker files) and from dist/. It must not import anything of ours.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage({ ready: true });
`;

/**
 * Moves WAL checkpoints off the writer. SQLite's automatic checkpoint runs inside the commit that
 * crosses 1,000 WAL pages, on the thread that committed, and under `synchronous = NORMAL` that is
 * where the fsyncs happen, so on a slow disk the writer would spend much of its ingest time waiting.
 * A worker thread with its own connection checkpoints PASSIVE on a timer instead (it never blocks the
 * writer nor waits for readers). Durability is unchanged: commits were never fsynced under NORMAL;
 * the WAL survives a crash and is replayed at the next open. If the thread fails, the connection
 * goes back to automatic checkpoints, so the WAL can never grow without bound.
 */
export async function startCheckpointer(db: Db, path: string, opts: CheckpointerOptions): Promise<Checkpointer> {
  const client = db.$client;
  const automatic = (): void => {
    if (client.open) client.pragma('wal_autocheckpoint = 1000');
  };
  if (path === ':memory:' || client.readonly) return { stop: async () => undefined };
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path, everyMs: opts.everyMs ?? 1_000 },
  });
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (err) => {
    opts.log.warn({ err: err.message }, 'WAL checkpoint thread failed; the database connection checkpoints by itself again');
    automatic();
  });
  void exited.then(() => {
    if (!stopped) automatic();
  });
  worker.on('message', (m: { error?: string }) => {
    if (m.error) opts.log.warn({ err: m.error }, 'WAL checkpoint failed; the next one retries');
  });
  const ready = await new Promise<boolean>((resolve) => {
    worker.once('message', () => resolve(true));
    void exited.then(() => resolve(false));
  });
  if (!ready) {
    automatic();
    return { stop: async () => undefined };
  }
  client.pragma('wal_autocheckpoint = 0');
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      automatic();
      worker.postMessage('stop');
      // A checkpoint of a big WAL can take a while; the connection's own close checkpoints anyway.
      const timeout = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
