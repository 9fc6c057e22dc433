import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock, systemClock } from '../../src/core/clock.js';
import {
  buildFleet,
  instanceInfo,
  mixedFleet,
  parseFleetFile,
  SIM_APIS,
  type Simulator,
  STORIES,
  specTargets,
  specUntargeted,
  startSimulator,
} from '../../src/simulator/index.js';
import { runCli, spawnCli, tempDir } from '../helpers/cli.js';

const NOW = Date.parse('2026-03-01T06:00:00Z');
const H = 3_600_000;
const GIB = 1024 ** 3;

describe('the generated mix', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(mixedFleet({ seed: 5, now: NOW })).toEqual(mixedFleet({ seed: 5, now: NOW }));
    expect(mixedFleet({ seed: 6, now: NOW })).not.toEqual(mixedFleet({ seed: 5, now: NOW }));
  });

  it('gives every API every story, tagged with the rule it should trip, and accounts for every cloud', () => {
    const spec = mixedFleet({ seed: 1, now: NOW });

    expect(spec.accounts.map((a) => a.cloud).sort()).toEqual(['aliyun', 'huaweicloud', 'otc', 'ucloud']);
    for (const api of SIM_APIS) {
      const cloud = spec.accounts.find((a) => a.cloud === api.split('/')[0]);
      const mine = spec.instances.filter((i) => i.account === cloud?.name && i.service === api.split('/')[1]);
      expect(mine.filter((i) => !i.untargeted && !i.replicaOf).map((i) => i.labels?.story)).toEqual([...STORIES]);
      expect(mine.every((i) => typeof i.story === 'string' && i.story.length > 0)).toBe(true);
      // For discovery: one primary no target audits, and a replica of the healthy one where the API has replicas.
      expect(mine.filter((i) => i.untargeted).map((i) => i.labels?.story)).toEqual(['uncovered']);
      const healthy = mine.find((i) => i.labels?.story === 'healthy');
      expect(mine.filter((i) => i.replicaOf).map((i) => i.replicaOf)).toEqual(
        api === 'ucloud/tidb' || api === 'huaweicloud/dds' ? [] : [healthy?.id],
      );
      expect(mine.find((i) => i.labels?.story === 'stale')?.expect).toEqual(
        api === 'ucloud/tidb' ? ['recent-success'] : ['recent-success', 'backup-policy'],
      );
    }
    const expectByStory = new Map(spec.instances.map((i) => [`${i.labels?.story}`, i.expect]));
    expect(expectByStory.get('missing')).toEqual(['target-missing', 'coverage']);
    expect(expectByStory.get('healthy')).toEqual([]);
    expect(spec.instances.filter((i) => i.policy?.keepDays === 0).map((i) => i.labels?.story)).toEqual(SIM_APIS.map(() => 'stale'));
  });

  it('leaves missing instances out of the simulator, replicas and untargeted ones out of the targets', () => {
    const spec = mixedFleet({ seed: 1, now: NOW, perApi: 7 });
    const fleet = buildFleet(spec);
    const untargeted = specUntargeted(spec);

    expect(specTargets(spec)).toHaveLength(35);
    // 35 story instances less 5 missing, plus 5 untargeted and 3 replicas (none on TiDB and DDS).
    expect(fleet.instances()).toHaveLength(35 - 5 + 5 + 3);
    expect(spec.instances.filter((i) => i.missing).every((i) => fleet.instance(i.id) === undefined)).toBe(true);
    expect(specTargets(spec).filter((t) => t.id.endsWith('-healthy-2'))).toHaveLength(5);
    expect(untargeted.filter((u) => u.replicaOf === undefined).map((u) => [u.id.split('/').slice(0, 2).join('/'), u.expect])).toEqual([
      ['ali-sim/rds', ['coverage']],
      ['uc-sim/upgsql', ['coverage']],
      ['uc-sim/tidb', ['coverage']],
      ['otc-sim/rds', ['coverage']],
      ['hw-sim/dds', ['coverage']],
    ]);
    const replica = untargeted.find((u) => u.replicaOf !== undefined);
    expect(replica && instanceInfo(fleet, replica.instance)).toMatchObject({
      replicaOf: replica?.replicaOf,
      owner: spec.accounts[0]?.accessKeyId,
    });
    const stale = spec.instances.find((i) => i.target === 'otc-rds-stale');
    expect(stale && instanceInfo(fleet, stale.id).policy).toEqual({ keepDays: 0, window: '02:00-03:00', weekdays: [] });
  });

  describe('polled by run-once', () => {
    let simulator: ReturnType<typeof spawnCli> | undefined;
    let cleanup: (() => void) | undefined;
    afterEach(async () => {
      simulator?.kill('SIGTERM');
      await simulator?.result;
      cleanup?.();
    });

    it('raises what each target is tagged with, coverage for the untargeted, nothing for replicas, through `simulate`', async () => {
      const temp = tempDir('ba-mix-');
      cleanup = temp.cleanup;
      const config = join(temp.dir, 'sim.yaml');
      simulator = spawnCli(['simulate', '--port', '0', '--seed', '2', '--days', '10', '--config-out', config]);
      const told = await listening(simulator);
      // The same options give the same ids and stories whatever the instant.
      const spec = mixedFleet({ seed: 2, now: systemClock(), days: 10 });

      const validate = await runCli(['--config', config, 'validate']);
      const run = await runCli(['--config', config, 'run-once']);
      const status = await runCli(['--config', config, 'status', '--json']);

      expect(validate.code).toBe(0);
      expect(run.code).toBe(1);
      const findings = JSON.parse(status.stdout) as { target: string; rule: string; state: string }[];
      const alarms = findings.filter((f) => f.state === 'alarm');
      const targets = specTargets(spec);
      const rulesOf = (id: string) =>
        alarms
          .filter((f) => f.target === id)
          .map((f) => f.rule)
          .sort();
      expect(Object.fromEntries(targets.map((t) => [t.id, rulesOf(t.id)]))).toEqual(
        Object.fromEntries(targets.map((t) => [t.id, [...(t.expect ?? [])].sort()])),
      );
      const untargeted = specUntargeted(spec);
      const uncovered = untargeted.filter((u) => u.replicaOf === undefined);
      const targetIds = new Set(targets.map((t) => t.id));
      expect(
        alarms
          .filter((f) => !targetIds.has(f.target))
          .map((f) => `${f.target}/${f.rule}`)
          .sort(),
      ).toEqual(uncovered.map((u) => `${u.id}/coverage`).sort());
      const replicas = untargeted.filter((u) => u.replicaOf !== undefined);
      expect(replicas).toHaveLength(3);
      expect(findings.filter((f) => replicas.some((r) => f.target.includes(r.instance)))).toEqual([]);
      // backup-policy alarms exactly where automated backup is off; TiDB exposes no policy, so it is skipped there.
      const off = spec.instances.filter((i) => i.policy?.keepDays === 0);
      expect(
        alarms
          .filter((f) => f.rule === 'backup-policy')
          .map((f) => f.target)
          .sort(),
      ).toEqual(
        off
          .filter((i) => i.service !== 'tidb')
          .map((i) => i.target)
          .sort(),
      );
      expect(findings.find((f) => f.target === 'uc-tidb-stale' && f.rule === 'backup-policy')?.state).toBe('skip');
      expect(alarms).toHaveLength(25 + 5 + 4 + 5);
      expect(told).toContain(`${uncovered[0]?.id}  coverage alarms`);
    }, 60_000);
  });
});

/** Waits for `simulate` to say it listens; returns what it told stderr. */
function listening(child: ReturnType<typeof spawnCli>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`simulate did not start: ${stderr}`)), 30_000);
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/simulator listening on http:\/\/127\.0\.0\.1:\d+/.test(stderr)) {
        clearTimeout(timer);
        resolve(stderr);
      }
    });
    child.on('exit', () => reject(new Error(`simulate exited: ${stderr}`)));
  });
}

describe('the fleet file', () => {
  const ali =
    '{ name: ali, cloud: aliyun, region: cn-hangzhou, accessKeyId: LTAI5tFile, accessKeySecret: s3cret, ' +
    'rateLimit: { perSecond: 5, burst: 10 } }';
  const file = `
accounts:
  - ${ali}
  - { name: hw, cloud: huaweicloud, region: ap-southeast-1, projectId: p1, accessKeyId: HWAK, accessKeySecret: HWSK }
instances:
  - id: rm-1
    account: ali
    service: rds
    target: orders
    expect: [failed-backup]
    backups:
      - { status: failed, startedAt: now-3h, size: 0 }
      - { status: Success, startedAt: "2026-02-28T01:00:00Z", endedAt: 1772243400000, size: 1.5GiB, mode: Manual }
    series:
      - { every: 24h, count: 3, lastEnd: now-20h, duration: 40m, size: 5GiB }
  - { id: dds-1, account: hw, service: dds, series: [{ count: 1, lastEnd: now-1h, size: 300MiB, status: running }] }
  - { id: rm-gone, account: ali, service: rds, missing: true }
`;

  it('reads relative and absolute instants, sizes with units, series, and generic status words in each API\u2019s own', () => {
    const fleet = buildFleet(parseFleetFile(file, NOW));

    const backups = fleet.instance('rm-1')?.backups ?? [];
    expect(backups.map((b) => [b.status, b.startedAt, b.endedAt, b.sizeBytes, b.mode])).toEqual([
      ['Failed', NOW - 3 * H, NOW - 3 * H + 30 * 60_000, 0, 'Automated'],
      ['Success', NOW - 20 * H - 40 * 60_000, NOW - 20 * H, 5 * GIB, 'Automated'],
      ['Success', Date.parse('2026-02-28T01:00:00Z'), 1772243400000, 1.5 * GIB, 'Manual'],
      ['Success', NOW - 44 * H - 40 * 60_000, NOW - 44 * H, 5 * GIB, 'Automated'],
      ['Success', NOW - 68 * H - 40 * 60_000, NOW - 68 * H, 5 * GIB, 'Automated'],
    ]);
    expect(fleet.instance('dds-1')?.backups.map((b) => b.status)).toEqual(['BUILDING']);
    expect(fleet.instance('rm-gone')).toBeUndefined();
    expect(fleet.snapshot().accounts[0]).toEqual({ cloud: 'aliyun', accessKeyId: 'LTAI5tFile', rateLimit: { perSecond: 5, burst: 10 } });
  });

  it('can start from the generated mix and add to it', () => {
    const spec = parseFleetFile(
      `mix: { seed: 3, perApi: 1 }\ninstances:\n  - { id: rm-extra, account: ali-sim, service: rds, backups: [] }\n`,
      NOW,
    );

    expect(spec.instances.map((i) => i.id)).toContain('rm-extra');
    // Five story instances, five untargeted, three replicas, and the file's own.
    expect(spec.instances).toHaveLength(14);
  });

  it('names every problem it finds', () => {
    const bad = `
accounts:
  - { name: ali, cloud: aliyun, region: cn-hangzhou, accessKeyId: K, accessKeySecret: S }
instances:
  - { id: a, account: nobody, service: rds }
  - { id: b, account: ali, service: upgsql }
  - { id: c, account: ali, service: rds, backups: [{ status: running, startedAt: now-1h }] }
`;
    expect(() => parseFleetFile(bad, NOW)).toThrow(
      new RegExp(
        /instance a: no account named nobody[\s\S]*instance b: aliyun has no service upgsql/.source +
          /[\s\S]*instance c: aliyun\/rds has no word for a running backup/.source,
      ),
    );
    expect(() =>
      parseFleetFile(
        'instances:\n  - { id: x, account: a, service: rds, backups: [{ status: failed, startedAt: yesterday, size: 2GB }] }\n',
        NOW,
      ),
    ).toThrow(/"yesterday" is not an instant[\s\S]*"2GB" is not a size/);
  });

  it('makes `simulate` exit 2 without serving when the file is wrong, or when a seed is given too', async () => {
    const { dir, cleanup } = tempDir('ba-fleet-');
    try {
      writeFileSync(join(dir, 'bad.yaml'), 'instances:\n  - { id: a, account: nobody, service: rds }\n');

      const bad = await runCli(['simulate', '--fleet', 'bad.yaml'], { cwd: dir });
      const both = await runCli(['simulate', '--fleet', 'bad.yaml', '--seed', '3'], { cwd: dir });

      expect(bad).toMatchObject({ code: 2, stdout: '' });
      expect(bad.stderr).toContain('instance a: no account named nobody');
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('give --fleet FILE or --seed N, not both');
    } finally {
      cleanup();
    }
  });
});

describe('per-account rate limits', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('are set and lifted over the control API, and answer over-limit requests with the provider\u2019s throttling error', async () => {
    const clock = manualClock(NOW);
    sim = await startSimulator({ fleet: buildFleet(parseFleetFile(file2, NOW)), clock });
    const set = await fetch(`${sim.url}/_sim/accounts/LTAI5tLimited/rate-limit`, {
      method: 'PUT',
      body: JSON.stringify({ perSecond: 1, burst: 2 }),
    });
    const call = async () =>
      (await fetch(`${sim?.url}/?Action=DescribeBackups&AccessKeyId=LTAI5tLimited&SignatureMethod=HMAC-SHA1`)).json() as Promise<{
        Code: string;
      }>;

    const codes = [(await call()).Code, (await call()).Code, (await call()).Code];
    clock.advance(1_000);
    const afterASecond = (await call()).Code;
    await fetch(`${sim.url}/_sim/accounts/LTAI5tLimited/rate-limit`, { method: 'DELETE' });
    const lifted = [(await call()).Code, (await call()).Code];
    const counts = (await (await fetch(`${sim.url}/_sim/requests`)).json()) as {
      rateLimited: number;
      rateLimitedByAccount: Record<string, number>;
    };

    expect(await set.json()).toEqual({ cloud: 'aliyun', accessKeyId: 'LTAI5tLimited', rateLimit: { perSecond: 1, burst: 2 } });
    // Unsigned requests: within the quota they reach authentication and fail there.
    expect(codes).toEqual(['IncompleteSignature', 'IncompleteSignature', 'Throttling.User']);
    expect(afterASecond).toBe('IncompleteSignature');
    expect(lifted).toEqual(['IncompleteSignature', 'IncompleteSignature']);
    expect(counts).toMatchObject({ rateLimited: 1, rateLimitedByAccount: { LTAI5tLimited: 1 } });
  });
});

const file2 = `
accounts:
  - { name: ali, cloud: aliyun, region: cn-hangzhou, accessKeyId: LTAI5tLimited, accessKeySecret: s3cret-limited }
instances: []
`;
