import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, type Simulator, setInstanceInfo, startSimulator } from '../../src/simulator/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { backupSeries } from '../helpers/rds-fleet.js';

// `coverage`, auto-targets and the discovery rules through the CLI, against the simulator on 127.0.0.1.

const H = 3_600_000;
const KEY = { accessKeyId: 'LTAI5tCoverageCli01', accessKeySecret: 'coverage-cli-secret-77' };

/** Daily backups of 2 GiB after an hour's run, the newest ending at `lastEnd`. */
const daily = (lastEnd: number, n: number) => backupSeries(lastEnd, n, { sizeBytes: 2 * 1024 ** 3 });

describe('coverage and auto-targets from the command line', () => {
  let sim: Simulator;
  let fleet: Fleet;
  let dir: string;
  let cleanup: () => void;
  const now = Date.now();
  const write = (name: string, discover: string, targets: string): string => {
    const file = join(dir, name);
    writeFileSync(
      file,
      `database: ./${name}.db
accounts:
  ali:
    cloud: aliyun
    regionId: cn-hangzhou
    endpoint: "${sim.url}"
    accessKeyId: ${KEY.accessKeyId}
    accessKeySecret: ${KEY.accessKeySecret}
    discover: ${discover}
targets:${targets}
rules: { retention: { minCount: 5 } }
profiles:
  - match: { env: prod }
    rules: { recent-success: { maxAge: 2h } }
`,
    );
    return file;
  };

  beforeAll(async () => {
    fleet = new Fleet();
    fleet.addAccount({ cloud: 'aliyun', ...KEY });
    for (const id of ['rm-a', 'rm-b', 'rm-c', 'rm-scratch'])
      fleet.addInstance({ cloud: 'aliyun', service: 'rds', id, regionId: 'cn-hangzhou', name: `db-${id}`, backups: daily(now - 3 * H, 8) });
    fleet.addInstance({ cloud: 'aliyun', service: 'rds', id: 'rr-a', regionId: 'cn-hangzhou', backups: [] });
    setInstanceInfo(fleet, 'rr-a', { replicaOf: 'rm-a' });
    setInstanceInfo(fleet, 'rm-c', { policy: { keepDays: 3, window: '02:00-03:00', weekdays: [1, 3, 5] } });
    sim = await startSimulator({ fleet });
    ({ dir, cleanup } = tempDir('ba-coverage-'));
  });
  afterAll(async () => {
    await sim.close();
    cleanup();
  });

  it('coverage lists the uncovered primaries, apart from targets, exclusions and replicas, and exits 1', async () => {
    const config = write(
      'cov',
      `{ autoTargets: false, exclude: [{ match: "*scratch*", reason: "scratch space, rebuilt daily" }] }`,
      '\n  - { id: a, account: ali, service: rds, instance: rm-a }',
    );
    const r = await runCli(['--config', config, 'coverage', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const [row] = JSON.parse(r.stdout) as {
      discovered: number;
      targeted: number;
      excluded: number;
      uncovered: number;
      replicas: number;
      uncoveredInstances: { instance: string }[];
      excludedInstances: { instance: string; reason: string }[];
    }[];
    expect(row).toMatchObject({ discovered: 4, targeted: 1, excluded: 1, uncovered: 2, replicas: 1 });
    expect(row?.uncoveredInstances.map((u) => u.instance)).toEqual(['rm-b', 'rm-c']);
    expect(row?.excludedInstances).toEqual([{ instance: 'rm-scratch', reason: 'scratch space, rebuilt daily' }]);
    const table = await runCli(['--config', config, 'coverage', '--stored']);
    expect(table.stdout).toMatch(/uncovered\s+ali\/rds\/rm-b \(db-rm-b\)/);
  });

  it('run-once turns discovered instances into labelled targets and judges their backup policy', async () => {
    const config = write('auto', `{ labels: { env: prod }, exclude: [rm-scratch] }`, ' []');
    const r = await runCli(['--config', config, 'run-once', '--json']);
    const findings = JSON.parse(r.stdout) as { target: string; rule: string; state: string; reason: string }[];
    const targets = [...new Set(findings.map((f) => f.target))].sort();
    expect(targets).toEqual(['ali/rds/rm-a', 'ali/rds/rm-b', 'ali/rds/rm-c']);
    // env: prod from discover.labels selects the profile: 3h-old backups break its 2h policy.
    expect(findings.filter((f) => f.rule === 'recent-success').map((f) => f.state)).toEqual(['alarm', 'alarm', 'alarm']);
    const policy = findings.filter((f) => f.rule === 'backup-policy' && f.state === 'alarm');
    expect(policy.map((f) => f.target)).toEqual(['ali/rds/rm-c']);
    expect(policy[0]?.reason).toMatch(
      /keeps automated backups 3 days; standard 7 days; backs up on 3 days a week \(Mon, Wed, Fri\); standard 7/,
    );
    expect(findings.filter((f) => f.rule === 'coverage').every((f) => f.state === 'ok')).toBe(true);
    expect(r.code).toBe(1);
    const db = new Database(join(dir, 'auto.db'), { readonly: true });
    try {
      expect(db.prepare(`SELECT COUNT(*) FROM poll_runs WHERE outcome = 'ok'`).pluck().get()).toBe(3);
    } finally {
      db.close();
    }
  });

  it('an explicit target of a discovered instance wins over the generated one', async () => {
    const config = write(
      'explicit',
      `{ exclude: [rm-scratch] }`,
      '\n  - { id: orders, account: ali, service: rds, instance: rm-b, labels: { team: orders } }',
    );
    const r = await runCli(['--config', config, 'run-once', '--json']);
    const targets = [...new Set((JSON.parse(r.stdout) as { target: string }[]).map((f) => f.target))].sort();
    expect(targets).toEqual(['ali/rds/rm-a', 'ali/rds/rm-c', 'orders']);
  });

  it('validate accepts a config with no targets when an account discovers, and names a bad discover service', async () => {
    const ok = await runCli(['--config', write('v1', '{}', ' []'), 'validate']);
    expect(ok.code).toBe(0);
    const bad = await runCli(['--config', write('v2', '{ services: [mongo] }', ' []'), 'validate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('accounts.ali.discover.services[0]: "mongo" is not a aliyun service; use rds');
  });
});
