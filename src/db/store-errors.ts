import { AuditorError } from '../core/errors.js';
import type { Db } from './client.js';

/**
 * Why the database cannot be written, when `err` is SQLite saying so: the disk is full, the file or its
 * file system is read-only, another writer holds the lock beyond the busy timeout, or I/O failed.
 * Undefined for any other error (a bug, a constraint): those are not the store's condition.
 */
export function storeWriteProblem(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code === 'SQLITE_FULL') return 'disk full';
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked';
  if (code.startsWith('SQLITE_IOERR')) return 'I/O error';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot open';
  return undefined;
}

/** Writes one small row: throws as a real write would when the store cannot take writes. */
export function probeWrite(db: Db, now: number): void {
  db.$client
    .prepare(`INSERT INTO meta (key, value) VALUES ('write-probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
    .run(String(now));
}

/** A run that stopped because the database refused a write; `unrecorded` says what it had and could not keep. */
export class StoreWriteError extends AuditorError {
  readonly problem: string;
  readonly unrecorded: readonly string[];
  constructor(problem: string, message: string, unrecorded: readonly string[]) {
    super('store', `the database cannot be written (${problem}): ${message}`, { permanent: false });
    this.problem = problem;
    this.unrecorded = unrecorded;
  }
}
