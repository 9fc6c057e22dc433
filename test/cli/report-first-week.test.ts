import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastCompleteWeek } from '../../src/report/period.js';
import type { ComplianceReport, TargetReport } from '../../src/report/types.js';
import { runCli } from '../helpers/cli.js';
import { type MailedFleet, startMailedFleet } from '../helpers/mailed-fleet.js';
import { backupSeries } from '../helpers/rds-fleet.js';

// A fresh install, one run, then the report of the last complete week: the providers list weeks of
// history the auditor never watched. What their listing shows is reconstructed and marked as such; a
// healthy target is honestly green, a stopped one honestly red, and nothing unknown reads as 0%.

const H = 3_600_000;
const D = 24 * H;
const KEY = { accessKeyId: 'LTAI5tFirstWeekKey', accessKeySecret: 'first-week-secret' };

describe('the first weekly report after install', () => {
  let w: MailedFleet;
  let env: NodeJS.ProcessEnv;
  let report: ComplianceReport;
  const now = Date.now();
  const target = (id: string): TargetReport => {
    const t = report.targets.find((x) => x.id === id);
    if (!t) throw new Error(`no target ${id}`);
    return t;
  };

  beforeAll(async () => {
    w = await startMailedFleet({
      key: KEY,
      targets: {
        // A completed backup every day for five weeks, the newest two hours ago.
        healthy: backupSeries(now - 2 * H, 35),
        // Daily until three days before the last complete week began, then nothing.
        stopped: backupSeries(lastCompleteWeek(now, 'UTC').start - 3 * D, 26),
      },
      secret: KEY.accessKeySecret,
      rules: 'rules:\n  retention: false\n',
    });
    env = { SMTP_URL: w.smtp.url, SLACK_WEBHOOK_URL: `${w.slack.url}/hook` };
    expect((await runCli(['--config', w.config, 'run-once'], { env })).code).toBe(1);
    const r = await runCli(['--config', w.config, 'report', '--format', 'json'], { env });
    expect(r.code).toBe(0);
    report = JSON.parse(r.stdout) as ComplianceReport;
  });
  afterAll(() => w?.close());

  it('reports the last complete week, reconstructed from the listing, for a target watched for minutes', () => {
    expect(report.period.label).toBe(lastCompleteWeek(now, 'UTC').label);
    const healthy = target('healthy-db');
    expect(healthy.compliance).toBe(1);
    expect(healthy.evidenceCoverage).toBeGreaterThan(0.99);
    expect(healthy.reconstructed?.share).toBeGreaterThan(0.99);
    expect(healthy.daily.every((d) => d.reconstructed === 1 && d.compliance === 1)).toBe(true);
  });

  it('shows a target whose backups stopped as non-compliant, from the same reconstruction', () => {
    const stopped = target('stopped-db');
    expect(stopped.compliance).not.toBeNull();
    // recent-success alarmed from two days before the week to its end: judged, and non-compliant, all week.
    expect(stopped.compliance).toBe(0);
    expect(stopped.evidenceCoverage).toBe(1);
    expect(stopped.reconstructed?.share).toBeGreaterThan(0.99);
  });

  it('says what the reconstructed figures rest on, in words and in the fleet figures', async () => {
    expect(report.fleet.reconstructedShare).toBeGreaterThan(0.99);
    const md = (await runCli(['--config', w.config, 'report'], { env })).stdout;
    expect(md).toMatch(
      /of the week reconstructed from the provider's listing at .+; backups the provider had already deleted are not in it/,
    );
    expect(md).not.toMatch(/\| healthy-db \| 0\.0% \|/);
  });

  it('keeps observed evidence apart: the alarms of the report are only those the auditor raised', () => {
    const stopped = target('stopped-db');
    // The run raised recent-success after the week; nothing in the week was observed.
    expect(stopped.resolvedAlarms).toEqual([]);
    expect(stopped.openedAlarms).toBe(0);
  });

  it('reconstructs again on demand, with the same result', async () => {
    const again = await runCli(['--config', w.config, 'report', '--format', 'json', '--reconstruct'], { env });
    expect(again.stderr).toMatch(/reconstructed 2 targets/);
    const second = JSON.parse(again.stdout) as ComplianceReport;
    expect(second.targets.map((t) => [t.id, t.compliance])).toEqual(report.targets.map((t) => [t.id, t.compliance]));
  });
});
