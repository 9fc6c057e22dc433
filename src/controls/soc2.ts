import { BACKUPS_HAPPEN, RESTORES_TESTED } from './rule-sets.js';
import type { Framework } from './types.js';

// The Trust Services Criteria give no titles: a criterion's title here is its statement, as the AICPA
// words it. Checked against https://ac5labs.com/soc2-readiness/controls/A1.2 (A1.2) and
// http://www.compliancewiki.org/article/57/soc-2-recovery-testing-a1-3-251.html (A1.3 and its point of focus).
export const soc2: Framework = {
  id: 'soc2',
  title: 'AICPA Trust Services Criteria (2017, revised points of focus 2022)',
  controls: [
    {
      id: 'A1.2',
      title:
        'The entity authorizes, designs, develops or acquires, implements, operates, approves, maintains, and monitors ' +
        'environmental protections, software, data backup processes, and recovery infrastructure to meet its objectives.',
      clause: 'Availability criterion: data backup processes are implemented, operated, maintained and monitored to meet the objectives.',
      evidence: { backups: BACKUPS_HAPPEN },
    },
    {
      id: 'A1.3',
      title: 'The entity tests recovery plan procedures supporting system recovery to meet its objectives.',
      clause:
        'Availability criterion; point of focus "Tests Integrity and Completeness of Back-Up Data": the integrity and ' +
        'completeness of back-up information is tested on a periodic basis.',
      evidence: { restores: RESTORES_TESTED },
    },
  ],
};
