import { BACKUPS_HAPPEN, RESTORES_TESTED } from './rule-sets.js';
import type { Framework } from './types.js';

// Checked against the criteria texts at https://grca.planeth.de/de/grcaplaneth/opensource/issue/6176/ (OPS-07) and
// https://grca.planeth.de/de/grcaplaneth/opensource/issue/6181/ (OPS-08). OPS-06 (Policies and Procedures: documented
// policies) and OPS-09 (Storage: transfer to a remote location) ask for what no rule here can see, so they are not mapped.
export const bsiC5: Framework = {
  id: 'bsi-c5',
  title: 'BSI C5:2020 (Cloud Computing Compliance Criteria Catalogue)',
  controls: [
    {
      id: 'OPS-07',
      title: 'Data Backup and Recovery - Monitoring',
      clause:
        'OPS-07.01B: the execution of backups of cloud service customer data, cloud service derived data and cloud service ' +
        'provider data is monitored by technical and organisational measures (cf. OPS-06).',
      evidence: { backups: BACKUPS_HAPPEN },
    },
    {
      id: 'OPS-08',
      title: 'Data Backup and Recovery - Regular Testing',
      clause: 'OPS-08.01B: restore procedures are tested regularly, at least annually.',
      evidence: { restores: RESTORES_TESTED },
    },
  ],
};
