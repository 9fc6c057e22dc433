import { BACKUPS_HAPPEN, RESTORES_TESTED } from './rule-sets.js';
import type { Framework } from './types.js';

// Checked against https://docs.tibco.com/pub/logcshipaa/3.9.0/doc/html/GUID-48DE7D48-7A30-4B06-8179-3D1479418DF0.html
// and https://www.lionfishcybersecurity.com/2023/07/15/hipaa_164-308a7/ (the implementation specifications of 164.308(a)(7)).
export const hipaa: Framework = {
  id: 'hipaa',
  title: 'HIPAA Security Rule, 45 CFR 164.308(a)(7) Contingency plan',
  controls: [
    {
      id: '164.308(a)(7)(ii)(A)',
      title: 'Data backup plan',
      clause:
        'Required. Establish and implement procedures to create and maintain retrievable exact copies of electronic ' +
        'protected health information.',
      evidence: { backups: BACKUPS_HAPPEN },
    },
    {
      id: '164.308(a)(7)(ii)(D)',
      title: 'Testing and revision procedures',
      clause: 'Addressable. Implement procedures for periodic testing and revision of contingency plans.',
      evidence: { restores: RESTORES_TESTED },
    },
  ],
};
