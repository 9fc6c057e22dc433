import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplianceReport } from '../../src/report/types.js';
import type { ControlResult, ControlsReport } from '../../src/report/types-controls.js';
import { runCli } from '../helpers/cli.js';
import { type MailedFleet, startMailedFleet } from '../helpers/mailed-fleet.js';
import { backupSeries, failedBackup } from '../helpers/rds-fleet.js';
import { tempConfig } from '../helpers/temp.js';

// The Controls view against the simulator: a fleet whose newest backup on one instance failed shows
// ISO 27001 8.13 and SOC 2 A1.2 failing with that target named, on the command line and in the report;
// once the instance has a completed backup again, A1.2 passes and 8.13 still waits for restore testing.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tControlsKey', accessKeySecret: 'controls-secret' };

const control = (r: ControlsReport | undefined, fw: string, id: string): ControlResult => {
  const c = r?.frameworks.find((f) => f.id === fw)?.controls.find((x) => x.id === id);
  if (!c) throw new Error(`no control ${fw} ${id}`);
  return c;
};

describe('backup-auditor controls', () => {
  let w: MailedFleet;
  let env: NodeJS.ProcessEnv;
  let started: number;
  let failedAt: number;
  const now = Date.now();

  beforeAll(async () => {
    w = await startMailedFleet({
      key: KEY,
      targets: { healthy: backupSeries(now - 2 * H, 35), broken: [failedBackup(now - H), ...backupSeries(now - 3 * H, 35)] },
      secret: KEY.accessKeySecret,
      rules: 'frameworks: [iso27001, soc2]\n',
    });
    env = { SMTP_URL: w.smtp.url, SLACK_WEBHOOK_URL: `${w.slack.url}/hook` };
    started = Date.now();
    expect((await runCli(['--config', w.config, 'run-once'], { env })).code).toBe(1);
    failedAt = Date.now();
  });
  afterAll(() => w?.close());

  it('fails 8.13 and A1.2 naming the target whose backup failed, and exits 1', async () => {
    const r = await runCli(['--config', w.config, 'controls', '--json'], { env });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as ControlsReport;
    expect(out.frameworks.map((f) => [f.id, f.verdict])).toEqual([
      ['iso27001', 'fail'],
      ['soc2', 'fail'],
    ]);
    for (const c of [control(out, 'iso27001', '8.13'), control(out, 'soc2', 'A1.2')]) {
      expect(c.verdict).toBe('fail');
      expect(c.alarms.map((a) => [a.target, a.rule, a.until])).toEqual([['broken-db', 'failed-backup', null]]);
      expect(c.evidence[0]).toMatch(/^backup-auditor history broken-db --since /);
    }
    // Restore testing is judged only where restore-drill is configured: no evidence, never a pass.
    expect(control(out, 'soc2', 'A1.3').verdict).toBe('no-evidence');
  });

  it('puts the same verdicts in the report JSON and Markdown', async () => {
    const range = ['--from', new Date(started - 60_000).toISOString(), '--to', new Date(Date.now()).toISOString()];
    const json = await runCli(['--config', w.config, 'report', '--format', 'json', ...range], { env });
    const report = JSON.parse(json.stdout) as ComplianceReport;
    expect(control(report.controls, 'iso27001', '8.13').alarms.map((a) => a.target)).toEqual(['broken-db']);
    expect(control(report.controls, 'soc2', 'A1.2').verdict).toBe('fail');
    const md = await runCli(['--config', w.config, 'report', '--format', 'md', ...range], { env });
    expect(md.stdout).toContain('## Controls');
    expect(md.stdout).toMatch(/\*\*8\.13 Information backup\*\*: \*\*FAIL\*\*/);
    expect(md.stdout).toMatch(/failed-backup on broken-db since .*still in alarm/);
    const html = await runCli(['--config', w.config, 'report', '--format', 'html', ...range], { env });
    expect(html.stdout).toContain('>Controls</h2>');
    expect(html.stdout).toMatch(/failed-backup on <b>broken-db<\/b>/);
    // Other text (the intro, verdicts) is escaped like the rest of the report.
    expect(html.stdout).toContain('not a certification.');
  });

  it('passes A1.2 once the target has a completed backup again; 8.13 stays partial without restore drills', async () => {
    const t = Date.now();
    w.sim.fleet.addBackup('rm-broken', {
      status: 'Success',
      kind: 'full',
      mode: 'Automated',
      startedAt: t - H,
      endedAt: t - 60_000,
      sizeBytes: 1e9,
    });
    expect((await runCli(['--config', w.config, 'run-once'], { env })).code).toBe(0);
    const r = await runCli(['--config', w.config, 'controls', '--json', '--framework', 'soc2'], { env });
    const out = JSON.parse(r.stdout) as ControlsReport;
    expect(control(out, 'soc2', 'A1.2')).toMatchObject({ verdict: 'pass', alarms: [], unjudged: [] });
    // Partial (A1.3 has no evidence) is not success.
    expect(r.code).toBe(4);
    const iso = JSON.parse((await runCli(['--config', w.config, 'controls', '--json'], { env })).stdout) as ControlsReport;
    expect(control(iso, 'iso27001', '8.13').parts.map((p) => [p.kind, p.verdict])).toEqual([
      ['backups', 'pass'],
      ['restores', 'no-evidence'],
    ]);
    // As of an instant before the recovery, A1.2 still failed.
    const before = await runCli(['--config', w.config, 'controls', '--json', '--at', new Date(failedAt).toISOString()], { env });
    expect(control(JSON.parse(before.stdout) as ControlsReport, 'soc2', 'A1.2').verdict).toBe('fail');
    expect(before.code).toBe(1);
  });

  it('prints the verdicts as text and refuses an unknown --framework, listing the known ones', async () => {
    const text = await runCli(['--config', w.config, 'controls', '--framework', 'iso27001'], { env });
    expect(text.stdout).toContain('ISO/IEC 27001:2022 Annex A (iso27001): PARTIAL');
    expect(text.stdout).toContain('not judged: restore-drill not configured for broken-db, healthy-db');
    const bad = await runCli(['--config', w.config, 'controls', '--framework', 'iso9001'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--framework: unknown framework "iso9001"; known: iso27001, soc2, nist80053, hipaa, bsi-c5, dora, mlps');
  });
});

describe('backup-auditor controls with restore drills on record', () => {
  let w: MailedFleet;
  let env: NodeJS.ProcessEnv;
  const now = Date.now();

  beforeAll(async () => {
    w = await startMailedFleet({
      key: KEY,
      targets: { orders: backupSeries(now - 2 * H, 35) },
      secret: KEY.accessKeySecret,
      rules: 'frameworks: [iso27001, soc2]\nrules:\n  restore-drill: { maxAge: 90d }\n',
    });
    env = { SMTP_URL: w.smtp.url, SLACK_WEBHOOK_URL: `${w.slack.url}/hook` };
  });
  afterAll(() => w?.close());

  it('fails 8.13 and A1.3 on restore-drill until a successful drill is recorded, then passes every control', async () => {
    expect((await runCli(['--config', w.config, 'run-once'], { env })).code).toBe(1);
    const before = JSON.parse((await runCli(['--config', w.config, 'controls', '--json'], { env })).stdout) as ControlsReport;
    for (const [fw, id] of [
      ['iso27001', '8.13'],
      ['soc2', 'A1.3'],
    ] as const) {
      expect(control(before, fw, id).alarms.map((a) => [a.target, a.rule])).toEqual([['orders-db', 'restore-drill']]);
    }
    expect(control(before, 'soc2', 'A1.2').verdict).toBe('pass');

    const at = new Date(now - 24 * H).toISOString();
    const drill = ['drill', 'record', '--target', 'orders-db', '--result', 'ok', '--at', at, '--duration', '42m'];
    expect((await runCli(['--config', w.config, ...drill], { env })).code).toBe(0);
    const after = await runCli(['--config', w.config, 'controls', '--json'], { env });
    const out = JSON.parse(after.stdout) as ControlsReport;
    expect(out.frameworks.map((f) => [f.id, f.verdict])).toEqual([
      ['iso27001', 'pass'],
      ['soc2', 'pass'],
    ]);
    expect(after.code).toBe(0);
  });
});

describe('frameworks in the config', () => {
  it('fails validate on an unknown framework, naming the field', async () => {
    const { config, cleanup } = tempConfig(
      `accounts:
  ali: { cloud: aliyun, regionId: cn-hangzhou, accessKeyId: k, accessKeySecret: s }
targets:
  - { id: orders-db, account: ali, service: rds, instance: rm-1 }
frameworks: [iso27001, nope]
`,
    );
    try {
      const r = await runCli(['--config', config, 'validate']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('frameworks[1]: unknown framework "nope"; known: iso27001, soc2');
    } finally {
      cleanup();
    }
  });
});
