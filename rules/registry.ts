import { registry } from '../src/core/registry.js';
import { backupGap } from './backup-gap.js';
import { backupPolicy } from './backup-policy.js';
import { coverage } from './coverage.js';
import { evidenceBackup } from './evidence-backup.js';
import { failedBackup } from './failed-backup.js';
import { pollFailing } from './poll-failing.js';
import { recentSuccess } from './recent-success.js';
import { restoreDrill } from './restore-drill.js';
import { retention } from './retention.js';
import { sizeAnomaly } from './size-anomaly.js';
import { stuckRunning } from './stuck-running.js';
import { targetMissing } from './target-missing.js';

/** Every rule the engine knows, by id. Adding a rule = one file + one entry here. */
export const rules = registry('rule', [
  recentSuccess,
  failedBackup,
  stuckRunning,
  pollFailing,
  retention,
  sizeAnomaly,
  targetMissing,
  coverage,
  backupPolicy,
  evidenceBackup,
  restoreDrill,
  backupGap,
]);
