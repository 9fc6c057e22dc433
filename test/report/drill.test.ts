import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from '../../jobs/deps.js';
import { loadConfigText } from '../../src/config/load.js';
import { manualClock } from '../../src/core/clock.js';
import type { Db } from '../../src/db/client.js';
import { recordDrill } from '../../src/db/drills.js';
import { drillInput } from '../../src/domain/drill.js';
import { buildReport } from '../../src/report/build.js';
import { weekPeriod } from '../../src/report/period.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderMarkdown } from '../../src/report/render-md.js';
import type { ComplianceReport } from '../../src/report/types.js';
import { tempDatabase } from '../helpers/db.js';

// ISO week 2026-W47 in UTC: Mon 16 Nov 00:00Z to Mon 23 Nov 00:00Z.
const M = 60_000;
const config = `
database: ./unused.db
accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: ak, accessKeySecret: sk }
targets:
  - { id: db-a, account: ali, service: rds, instance: rm-a, rules: { restore-drill: { maxDuration: 1h } } }
  - { id: db-b, account: ali, service: rds, instance: rm-b }
  - { id: db-c, account: ali, service: rds, instance: rm-c }
`;

let db: Db;
let cleanup: () => void;
let report: ComplianceReport;
const target = (id: string) => report.targets.find((t) => t.id === id);

beforeAll(() => {
  ({ db, cleanup } = tempDatabase());
  const loaded = loadConfigText(config, '/tmp/report-drill/backup-auditor.yaml', { env: {} });
  const deps = createDeps({ db, loaded, clock: manualClock(Date.parse('2026-11-24T08:00:00Z')) });
  const record = (over: Record<string, unknown>) =>
    recordDrill(db, drillInput.parse({ result: 'ok', ...over }), { now: Date.parse('2026-11-24T08:00:00Z'), source: 'cli' });
  record({ target: 'db-a', at: Date.parse('2026-11-18T09:00:00Z'), durationMs: 42 * M });
  record({ target: 'db-a', at: Date.parse('2026-11-23T09:00:00Z'), result: 'failed' }); // after the period: not in it
  record({ target: 'db-b', at: Date.parse('2026-10-01T09:00:00Z'), durationMs: 3 * 60 * M });
  report = buildReport(deps, weekPeriod({ year: 2026, week: 47 }, 'UTC'), Date.parse('2026-11-24T08:00:00Z'));
});
afterAll(() => cleanup());

describe('the last restore drill in the weekly report', () => {
  it('is the newest drill before the period end, against restore-drill.maxDuration when configured', () => {
    expect(target('db-a')?.drill).toEqual({
      at: '2026-11-18T09:00:00Z',
      result: 'ok',
      durationMs: 42 * M,
      maxDurationMs: 60 * M,
      met: true,
    });
    expect(target('db-b')?.drill).toEqual({
      at: '2026-10-01T09:00:00Z',
      result: 'ok',
      durationMs: 180 * M,
      maxDurationMs: null,
      met: null,
    });
    expect(target('db-c')?.drill).toBeNull();
  });

  it('shows one line in the Markdown section and the HTML card of targets that have one, and is in the JSON', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('- Last restore drill: ok on 2026-11-18 09:00, took 42m; objective 1h: met');
    expect(md).toContain('- Last restore drill: ok on 2026-10-01 09:00, took 3h; no restore-time objective');
    expect(md.match(/Last restore drill/g)).toHaveLength(2);
    const html = renderHtml(report);
    expect(html).toContain('Last restore drill: ok on 2026-11-18 09:00, took 42m; objective 1h: met');
    expect((JSON.parse(renderJson(report)) as ComplianceReport).targets[0]?.drill).toMatchObject({ met: true });
  });
});
