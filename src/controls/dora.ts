import { BACKUPS_AT_FREQUENCY, RESTORES_TESTED } from './rule-sets.js';
import type { Framework } from './types.js';

// Checked against
// https://www.mica.wtf/dora/digital-operational-resilience-act/chapter-ii-ict-risk-management/article-12-backup-policies-and-procedures
// and https://cyberday.ai/requirement/dora-article-12-backup-policies-and-procedures-restoration-and-recovery-procedures-and-methods.
export const dora: Framework = {
  id: 'dora',
  title: 'DORA, Regulation (EU) 2022/2554',
  controls: [
    {
      id: 'Article 12',
      title: 'Backup policies and procedures, restoration and recovery procedures and methods',
      clause:
        '12(1)(a): backup policies and procedures specifying the scope of the data subject to the backup and the minimum ' +
        'frequency of the backup; 12(2): testing of the backup procedures and restoration and recovery procedures and ' +
        'methods shall be undertaken periodically.',
      evidence: { backups: BACKUPS_AT_FREQUENCY, restores: RESTORES_TESTED },
    },
  ],
};
