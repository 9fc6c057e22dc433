import { BACKUPS_AT_FREQUENCY, RESTORES_TESTED } from './rule-sets.js';
import type { Framework } from './types.js';

// Checked against https://csf.tools/reference/nist-sp-800-53/r5/cp/cp-4/ (CP-4),
// https://grcacademy.io/nist-800-53/controls/cp-9/ (CP-9) and https://csf.tools/reference/nist-sp-800-53/r5/cp/cp-9/cp-9-1/ (CP-9(1)).
export const nist80053: Framework = {
  id: 'nist80053',
  title: 'NIST SP 800-53 Rev. 5',
  controls: [
    {
      id: 'CP-9',
      title: 'System Backup',
      clause:
        'Conduct backups of user-level and system-level information contained in the system [organization-defined frequency ' +
        'consistent with recovery time and recovery point objectives]; protect the confidentiality, integrity, and ' +
        'availability of backup information.',
      evidence: { backups: BACKUPS_AT_FREQUENCY },
    },
    {
      id: 'CP-9(1)',
      title: 'Testing for Reliability and Integrity',
      clause: 'Test backup information [organization-defined frequency] to verify media reliability and information integrity.',
      evidence: { restores: RESTORES_TESTED },
    },
    {
      id: 'CP-4',
      title: 'Contingency Plan Testing',
      clause:
        'Test the contingency plan for the system [organization-defined frequency] using [organization-defined tests] to ' +
        'determine the effectiveness of the plan and the readiness to execute the plan; review the test results; initiate ' +
        'corrective actions, if needed.',
      evidence: { restores: RESTORES_TESTED },
    },
  ],
};
