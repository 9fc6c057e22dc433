import { registry } from '../src/registry.js';
import { failedBackup } from './failed-backup.js';
import { recentSuccess } from './recent-success.js';

/** Every rule the engine knows, by id. Adding a rule = one file + one entry here. */
export const rules = registry('rule', [recentSuccess, failedBackup]);
