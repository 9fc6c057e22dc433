import { resolve } from 'node:path';
import { z } from 'zod';
import type { BackupFact } from '../rules/types.js';
import { errorMessage } from '../src/core/errors.js';
import { backupIntoFolder, evidenceCopies } from '../src/db/backup.js';
import { evaluateAuditor } from '../src/engine/evaluate.js';
import type { OwnerDeps } from './deps.js';
import { defineJob } from './types.js';

/**
 * The daemon's own evidence backup, on the database owner: a consistent copy of the database into
 * `dbBackup.dir`, checked before it counts, the oldest beyond `keep` removed; then `evidence-backup`
 * judges the copies (and this run's failure, if it failed) and is recorded like any finding, so a
 * backup that stopped working reaches the channels.
 */
export const dbBackupJob = defineJob({
  name: 'db-backup',
  payload: z.strictObject({}),
  // A failure is a finding; the next schedule tries again.
  retry: { attempts: 1, backoffMs: 0 },
  async process(deps: Pick<OwnerDeps, 'db' | 'loaded' | 'rules' | 'log' | 'clock' | 'events' | 'wakeDelivery'>) {
    const option = deps.loaded.config.dbBackup;
    if (!option) return;
    const dir = resolve(deps.loaded.baseDir, option.dir);
    const now = deps.clock();
    const evidence: BackupFact[] = [];
    try {
      const check = await backupIntoFolder(deps.loaded.databasePath, dir, option.keep, now);
      deps.log.info({ file: check.path, bytes: check.bytes }, 'database backed up and checked');
    } catch (err) {
      deps.log.error({ dir, err: errorMessage(err) }, 'database backup failed');
      evidence.push(fact(`failed-${now}`, 'failed', errorMessage(err), now, null));
    }
    for (const c of evidenceCopies(dir)) evidence.push(fact(c.file, 'completed', 'checked copy', c.madeAt, c.bytes));
    const summary = evaluateAuditor(deps, evidence, deps.clock());
    deps.events.evaluated(summary);
    if (summary.notifications > 0) deps.wakeDelivery();
  },
});

function fact(backupId: string, status: 'completed' | 'failed', rawStatus: string, at: number, sizeBytes: number | null): BackupFact {
  return { backupId, name: null, kind: 'full', status, rawStatus, startedAt: at, endedAt: at, sizeBytes, firstSeenAt: at };
}
