import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DoctorReport, runDoctor } from '../../src/cli/doctor.js';
import { silentProgress } from '../../src/cli/progress.js';
import { loadConfigFile } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import type { Registry } from '../../src/core/registry.js';
import { backupSources } from '../../src/providers/registry.js';
import type { BackupSource } from '../../src/providers/types.js';
import { Fleet, type Simulator, startSimulator } from '../../src/simulator/index.js';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/ports.js';
import { aliyunAccountYaml, backupSeries } from '../helpers/rds-fleet.js';
import { tempConfig } from '../helpers/temp.js';

const ALI = { accessKeyId: 'LTAI5tDoctorKey01', accessKeySecret: 'doctor-aliyun-secret-1' };
const UC = { publicKey: 'doctor@example.com1296235120854146120', privateKey: 'c3a1f0e2d9b84d77a6e5f4c3b2a1908f7e6d5c4b' };
const ENV = { ALI_SK: ALI.accessKeySecret, UC_PRIV: 'not-the-private-key-at-all-0000000000000' };

/** A port nothing listens on: bound, read, closed. */
describe('backup-auditor doctor', () => {
  let sim: Simulator;
  let dir: string;
  let cleanup: () => void;
  let config: string;
  let downPort: number;

  beforeAll(async () => {
    const now = Date.now();
    const fleet = new Fleet();
    fleet.addAccount({ cloud: 'aliyun', ...ALI });
    fleet.addAccount({ cloud: 'ucloud', accessKeyId: UC.publicKey, accessKeySecret: UC.privateKey });
    fleet.addInstance({
      cloud: 'aliyun',
      service: 'rds',
      id: 'rm-good',
      regionId: 'cn-hangzhou',
      backups: backupSeries(now, 3, { sizeBytes: 1024 }),
    });
    fleet.addInstance({ cloud: 'ucloud', service: 'upgsql', id: 'pg-1', regionId: 'cn-zj', zone: 'cn-zj-01' });
    sim = await startSimulator({ fleet });
    downPort = await closedPort();
    ({ dir, config, cleanup } = tempConfig(
      `database: ./audit.db
accounts:
  ali-good: ${aliyunAccountYaml(sim.url, ALI.accessKeyId, '{ env: ALI_SK }')}
  uc-wrong: { cloud: ucloud, endpoint: "${sim.url}", publicKey: "${UC.publicKey}", privateKey: { env: UC_PRIV } }
  ali-down: ${aliyunAccountYaml(`http://127.0.0.1:${downPort}`, ALI.accessKeyId, '{ env: ALI_SK }')}
targets:
  - { id: orders, account: ali-good, service: rds, instance: rm-good }
  - { id: ghost, account: ali-good, service: rds, instance: rm-missing }
  - { id: ledger, account: uc-wrong, service: upgsql, instance: pg-1, region: cn-zj, zone: cn-zj-01 }
  - { id: billing, account: ali-down, service: rds, instance: rm-good }
`,
      'ba-doctor-',
    ));
  });
  afterAll(async () => {
    await sim?.close();
    cleanup?.();
  });

  const doctorJson = async (env: NodeJS.ProcessEnv = ENV) => {
    const r = await runCli(['--config', config, 'doctor', '--json', '--timeout', '3s'], { env });
    return { ...r, report: JSON.parse(r.stdout) as DoctorReport };
  };
  const row = (report: DoctorReport, target: string) => report.targets.find((t) => t.target === target) as Record<string, unknown>;

  it('gives four distinct, correct diagnoses and exits 1', async () => {
    const { code, report } = await doctorJson();
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(row(report, 'orders')).toMatchObject({ authOk: true, instanceFound: true, backupsSeen: 3 });
    expect(row(report, 'orders').error).toBeUndefined();
    expect(row(report, 'ghost')).toMatchObject({ authOk: true, instanceFound: false, kind: 'not-found' });
    expect(row(report, 'ghost').error).toContain('InvalidDBInstanceId.NotFound');
    expect(row(report, 'ghost').hint).toContain('instance not found');
    expect(row(report, 'ledger')).toMatchObject({ authOk: false, instanceFound: null, kind: 'auth' });
    expect(row(report, 'ledger').error).toContain('RetCode 171: Signature VerifyAC Error');
    expect(row(report, 'ledger').hint).toBe('signature mismatch: check the secret and the clock');
    expect(row(report, 'billing')).toMatchObject({ skipped: 'the endpoint is unreachable' });
    const down = report.accounts.find((a) => a.account === 'ali-down');
    expect(down?.endpoints[0]).toMatchObject({ ok: false, tcp: { ok: false } });
    expect(down?.endpoints[0]?.tcp?.error).toContain('ECONNREFUSED');
    expect(down?.endpoints[0]?.hint).toContain(`nothing listens on 127.0.0.1:${downPort}`);
    const good = report.accounts.find((a) => a.account === 'ali-good');
    expect(good).toMatchObject({ secrets: { ok: true }, endpoints: [{ ok: true, dns: { ok: true }, tcp: { ok: true } }] });
  });

  it('prints a table with every target and the problems with their hints, never a secret, and touches no database', async () => {
    const r = await runCli(['--config', config, 'doctor', '--timeout', '3s'], { env: ENV });
    expect(r.code).toBe(1);
    const out = r.stdout;
    expect(out).toMatch(/ACCOUNT\s+TARGET\s+AUTH OK\s+INSTANCE FOUND\s+BACKUPS SEEN\s+LATENCY\s+RESULT/);
    expect(out).toMatch(/ali-good\s+orders\s+yes\s+yes\s+3\s+\d+ ms\s+ok/);
    expect(out).toMatch(/ali-good\s+ghost\s+yes\s+NO\s+-\s+\d+ ms\s+FAILED \[\d\]/);
    expect(out).toMatch(/uc-wrong\s+ledger\s+NO\s+-\s+-\s+\d+ ms\s+FAILED \[\d\]/);
    expect(out).toMatch(/ali-down\s+billing\s+-\s+-\s+-\s+-\s+not tried: the endpoint is unreachable/);
    expect(out).toContain('hint: signature mismatch: check the secret and the clock');
    expect(out).toContain(`tcp failed (connect ECONNREFUSED 127.0.0.1:${downPort})`);
    expect(out).not.toMatch(/\u001b\[/); // not a terminal: no colour codes
    for (const secret of [ALI.accessKeySecret, ENV.UC_PRIV]) expect(out + r.stderr).not.toContain(secret);
    expect(existsSync(join(dir, 'audit.db'))).toBe(false);
  });

  it('reports a missing secret per account and does not try its targets', async () => {
    const { code, report } = await doctorJson({ ALI_SK: ALI.accessKeySecret });
    expect(code).toBe(1);
    expect(report.accounts.find((a) => a.account === 'uc-wrong')?.secrets).toEqual({
      ok: false,
      problems: ['accounts.uc-wrong.privateKey: environment variable UC_PRIV is not set'],
    });
    expect(row(report, 'ledger')).toMatchObject({ skipped: 'a secret of the account is missing' });
  });

  it('exits 0 when every checked target answers', async () => {
    const r = await runCli(['--config', config, 'doctor', '--target', 'orders'], { env: ENV });
    expect(r.stdout).toContain('all checks passed: 1 targets answered');
    expect(r.code).toBe(0);
  });

  it('rejects an unknown target or a bad timeout with exit 2', async () => {
    const unknown = await runCli(['--config', config, 'doctor', '--target', 'nope'], { env: ENV });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--target: unknown target "nope"; configured: orders, ghost, ledger, billing');
    const timeout = await runCli(['--config', config, 'doctor', '--timeout', 'forever'], { env: ENV });
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--timeout: "forever" is not a duration');
  });

  it("names the server's clock difference when the provider refuses the request's time", async () => {
    const skewed = await startSimulator({ fleet: sim.fleet, clock: () => Date.now() + 17 * 60_000 });
    try {
      const file = join(dir, 'skew.yaml');
      writeFileSync(
        file,
        `accounts:\n  ali: ${aliyunAccountYaml(skewed.url, ALI.accessKeyId, '{ env: ALI_SK }')}\n` +
          'targets:\n  - { id: orders, account: ali, service: rds, instance: rm-good }\n',
      );
      const loaded = loadConfigFile(file, { env: ENV, checkSecrets: false });
      // The simulator's Date header is the real time; rewrite it to the simulator's own clock, as a real server's would be.
      const fetchSkewed: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        const headers = new Headers(res.headers);
        headers.set('date', new Date(Date.now() + 17 * 60_000).toUTCString());
        return new Response(await res.text(), { status: res.status, headers });
      };
      const report = await runDoctor(
        loaded,
        {
          fetch: fetchSkewed,
          clock: Date.now,
          log: silentLogger,
          sources: backupSources as unknown as Registry<BackupSource>,
          progress: silentProgress,
        },
        { targets: ['orders'], timeoutMs: 3_000 },
      );
      const t = report.targets[0] as Record<string, unknown>;
      expect(t.kind).toBe('auth');
      expect(t.error).toContain('InvalidTimeStamp.Expired');
      expect(t.hint).toMatch(/check this machine's clock \(NTP\); server time differs by 17 min \(this machine is behind\)/);
    } finally {
      await skewed.close();
    }
  });
});
