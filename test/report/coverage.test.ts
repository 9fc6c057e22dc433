import { afterEach, describe, expect, it } from 'vitest';
import { rules } from '../../rules/registry.js';
import { loadConfigText } from '../../src/config/load.js';
import { recordDiscovery } from '../../src/db/discovery.js';
import { buildReport } from '../../src/report/build.js';
import { renderReport } from '../../src/report/formats.js';
import { type IsoWeek, parseIsoWeek, weekPeriod } from '../../src/report/period.js';
import { tempDatabase } from '../helpers/db.js';
import { discoveredInstance } from '../helpers/discovered-instance.js';
import { HOSTILE } from '../helpers/report-fixture.js';

// The weekly report carries coverage as of the period end when an account discovers.

const WEEK = parseIsoWeek('2026-W47') as IsoWeek;
const period = weekPeriod(WEEK, 'UTC');

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function setup(discover: string) {
  const t = tempDatabase();
  cleanup = t.cleanup;
  const loaded = loadConfigText(
    `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: k, accessKeySecret: s${discover} }
targets:
  - { id: orders, account: ali, service: rds, instance: rm-1 }
`,
    '/tmp/report-coverage.yaml',
  );
  return { db: t.db, loaded };
}

describe('the weekly report with discovery', () => {
  it('lists discovered, targeted, excluded and uncovered instances at the period end, with hostile names neutralised', () => {
    const { db, loaded } = setup(', discover: { autoTargets: false, exclude: [rm-3] }');
    const instances = [
      discoveredInstance('rm-1'),
      discoveredInstance('rm-2', { name: HOSTILE.script }),
      discoveredInstance('rm-3'),
      discoveredInstance('rr-1', { replica: true, primary: 'rm-1' }),
    ];
    recordDiscovery(
      db,
      { account: 'ali', service: 'rds', startedAt: period.start + 3_600_000, finishedAt: period.start + 3_600_000 },
      { ok: true, instances, policies: new Map() },
    );
    // Discovered after the period: not in this week's report.
    recordDiscovery(
      db,
      { account: 'ali', service: 'rds', startedAt: period.end + 1000, finishedAt: period.end + 1000 },
      { ok: true, instances: [...instances, discoveredInstance('rm-late')], policies: new Map() },
    );
    const report = buildReport({ db, loaded, rules }, period, period.end + 86_400_000);
    expect(report.coverage).toEqual([
      {
        account: 'ali',
        service: 'rds',
        lastDiscoveryAt: new Date(period.start + 3_600_000).toISOString().replace('.000', ''),
        discovered: 3,
        targeted: 1,
        excluded: 1,
        uncovered: 1,
        replicas: 1,
        uncoveredInstances: [
          { instance: 'rm-2', name: HOSTILE.script, firstSeenAt: new Date(period.start + 3_600_000).toISOString().replace('.000', '') },
        ],
        excludedInstances: [{ instance: 'rm-3', reason: 'excluded by accounts.ali.discover.exclude[0] (rm-3)' }],
        missingTargets: [],
      },
    ]);
    const md = renderReport(report, 'md');
    expect(md).toContain('## Coverage');
    expect(md).toMatch(/Uncovered: ali\/rds\/rm-2 \(\\<script\\>/);
    const html = renderReport(report, 'html');
    expect(html).toContain('Coverage</h2>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(JSON.parse(renderReport(report, 'json')).coverage[0].uncovered).toBe(1);
  });

  it('says coverage is unknown, not complete, where discovery had not run by the period end', () => {
    const { db, loaded } = setup(', discover: { autoTargets: false }');
    // Discovery first ran after the period: nothing is known of that week's unaudited instances.
    recordDiscovery(
      db,
      { account: 'ali', service: 'rds', startedAt: period.end + 1000, finishedAt: period.end + 1000 },
      { ok: true, instances: [discoveredInstance('rm-1'), discoveredInstance('rm-2')], policies: new Map() },
    );
    const report = buildReport({ db, loaded, rules }, period, period.end + 86_400_000);
    expect(report.coverage?.[0]).toMatchObject({ lastDiscoveryAt: null, discovered: 0, uncovered: 0 });
    const verdict = 'Coverage unknown: discovery had not run for 1 of 1 account service by the period end.';
    for (const format of ['md', 'html'] as const) {
      const text = renderReport(report, format);
      expect(text).toContain(verdict);
      expect(text).not.toContain('Every discovered primary instance is a target or excluded.');
    }
  });

  it('has no coverage section when no account discovers', () => {
    const { db, loaded } = setup('');
    const report = buildReport({ db, loaded, rules }, period, period.end + 1000);
    expect(report.coverage).toBeUndefined();
    expect(renderReport(report, 'md')).not.toContain('## Coverage');
  });
});
