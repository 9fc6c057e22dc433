import { BACKUPS_HAPPEN, RESTORES_TESTED } from './rule-sets.js';
import type { Framework } from './types.js';

// Checked against https://controlstack.au/controls/iso27001-annex-a-8-13-backup-and-recovery-procedures-for-data/
// (the official control statement) and https://advisera.com/iso27001/control-8-13-information-backup/ (the title).
export const iso27001: Framework = {
  id: 'iso27001',
  title: 'ISO/IEC 27001:2022 Annex A',
  controls: [
    {
      id: '8.13',
      title: 'Information backup',
      clause:
        'Backup copies of information, software and systems shall be maintained and regularly tested in accordance with ' +
        'the agreed topic-specific policy on backup.',
      evidence: { backups: BACKUPS_HAPPEN, restores: RESTORES_TESTED },
    },
  ],
};
