import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rules } from '../../rules/registry.js';
import { loadConfigText } from '../../src/config/load.js';
import type { Db } from '../../src/db/client.js';
import { evidenceHead } from '../../src/db/evidence.js';
import { buildReport } from '../../src/report/build.js';
import { renderReport } from '../../src/report/formats.js';
import { parseIsoWeek, weekPeriod } from '../../src/report/period.js';
import { reportMessage } from '../../src/report/send-report.js';
import { tempDatabase } from '../helpers/db.js';
import { writeEvidence } from '../helpers/evidence.js';

const week = parseIsoWeek('2026-W47');
if ('problem' in week) throw new Error(week.problem);
const period = weekPeriod(week, 'UTC');
const loaded = loadConfigText(
  `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: k, accessKeySecret: s }
targets:
  - { id: orders, account: ali, service: rds, instance: rm-1 }
`,
  '/tmp/report-evidence.yaml',
);
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = tempDatabase()));
afterEach(() => cleanup());

describe('the evidence chain head in the report', () => {
  it('is printed in every format and in the email and Slack messages, as it stood when the report was computed', () => {
    writeEvidence(db);
    const head = evidenceHead(db);
    if (!head) throw new Error('no head');
    const report = buildReport({ db, loaded, rules }, period, period.end + 86_400_000);
    expect(report.evidence).toEqual({ head: head.hash, seq: head.seq });
    expect(JSON.parse(renderReport(report, 'json')).evidence).toEqual({ head: head.hash, seq: 12 });
    const line = `Evidence chain head: link 12, ${head.hash}`;
    expect(renderReport(report, 'md')).toContain(line);
    expect(renderReport(report, 'html')).toContain(line);
    const message = reportMessage(report);
    expect(message.text).toContain(line);
    expect(message.html).toContain(line);
    expect(JSON.stringify(message.slack.blocks)).toContain(line);
  });

  it('says the chain has no links yet rather than print nothing', () => {
    const report = buildReport({ db, loaded, rules }, period, period.end + 86_400_000);
    expect(report.evidence).toBeUndefined();
    expect(renderReport(report, 'md')).toContain('Evidence chain: no links yet.');
  });
});
